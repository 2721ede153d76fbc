"""Property-based fuzzing with hypothesmith (see fuzz_properties.py for the properties): a bounded,
reproducible number of generated programs here; `python benchmarks/fuzz.py` runs many more."""
from __future__ import annotations

import hypothesmith
import pytest
from fuzz_properties import PLACES, Tally, check, check_notebook, placed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Derandomized: every run checks the same programs. Programs built from libcst nodes take
# hypothesmith longer to generate than programs from the grammar, so there are fewer of them.
GRAMMAR_EXAMPLES, NODE_EXAMPLES = 60, 15
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates


def bounded(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@bounded(GRAMMAR_EXAMPLES)
@given(hypothesmith.from_grammar(), st.sampled_from(sorted(PLACES)))
def test_programs_from_the_grammar_keep_the_properties(program, place):
    check(placed(program, place) or program, Tally())


@bounded(NODE_EXAMPLES)
@given(hypothesmith.from_node(), st.sampled_from(sorted(PLACES)))
def test_programs_from_libcst_nodes_keep_the_properties(program, place):
    check(placed(program, place) or program, Tally())


@bounded(GRAMMAR_EXAMPLES // 2)
@given(hypothesmith.from_grammar())
def test_generated_code_in_notebooks_keeps_the_properties(program):
    check_notebook(program, Tally())
