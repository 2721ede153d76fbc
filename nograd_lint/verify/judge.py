"""What each rule family promises, checked against the runs of the original and fixed versions.

A promise is a function `(before, after, comparison, partial) -> (failures, verified)`, where
`partial` says the fixed version applies one of several fixes of its file. Rules map to
promises by exact code first, then by family (`NG1`, `NG2`, `NG3`), so an example for a new
rule of an existing family needs no change here.

A rule without an automatic fix has nothing to compare: its finding's claim is checked on the
original alone by a claim, `(before) -> (failures, verified)`, looked up by exact code.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Tuple

from .records import Comparison, RunRecord
from .units import fmt_bytes

Verdict = Tuple[List[str], List[str]]  # (failures, what was verified)
Promise = Callable[[RunRecord, RunRecord, Optional[Comparison], bool], Verdict]
Claim = Callable[[RunRecord], Verdict]


def _same_outputs(comparison: Optional[Comparison]) -> Verdict:
    if comparison is None:
        return ["the return values could not be compared"], []
    if not comparison.equal:
        return ["outputs differ: %s" % comparison.detail], []
    if comparison.changes:
        shown = comparison.changes[:3] + (["..."] if len(comparison.changes) > 3 else [])
        return [], ["same outputs (%s)" % ", ".join(shown)]
    return [], ["same outputs"]


def _no_graph_after(before: RunRecord, after: RunRecord, partial: bool = False) -> Verdict:
    """The fixed version returns no graph; with `partial` (other findings of the file are not
    fixed in this version) no larger graph than the original's: the rest is left to the other
    fixes, judged all together."""
    if not after.outputs_have_grad_fn:
        return [], ["no graph kept"]
    if partial and after.graph_nodes <= before.graph_nodes:
        return [], ["graph returned %d -> %d nodes (the rest is left to the other fixes)"
                    % (before.graph_nodes, after.graph_nodes)]
    return ["the fixed version's return value still holds an autograd graph (%d nodes)"
            % after.graph_nodes], []


def _saved(before: RunRecord, after: RunRecord) -> str:
    return "saved for backward %s -> %s" % (fmt_bytes(before.saved_bytes), fmt_bytes(after.saved_bytes))


def _fewer_saved(before: RunRecord, after: RunRecord) -> Verdict:
    if (after.saved_bytes or 0) < (before.saved_bytes or 0):
        return [], [_saved(before, after)]
    return ["bytes saved for backward not reduced (%s -> %s)"
            % (fmt_bytes(before.saved_bytes), fmt_bytes(after.saved_bytes))], []


def _kept(before: RunRecord, after: RunRecord) -> str:
    """`by train(): 2206 -> 16 nodes` (where each version kept its largest graph)."""
    where = [r.graph_kept_in if r.graph_nodes_kept else None for r in (before, after)]
    counts = (before.graph_nodes_kept or 0, after.graph_nodes_kept or 0)
    if where[0] and where[1] in (where[0], None):
        return "by %s(): %d -> %d nodes" % ((where[0],) + counts)
    return "%d nodes%s -> %d nodes%s" % (counts[0], " (%s())" % where[0] if where[0] else "",
                                         counts[1], " (%s())" % where[1] if where[1] else "")


def _less_kept(before: RunRecord, after: RunRecord) -> Verdict:
    """During the run, graphs hold less: a smaller largest graph kept by a function of the
    script, or fewer bytes held for backward at once."""
    failures: List[str] = []
    if (after.saved_bytes or 0) > (before.saved_bytes or 0):
        failures.append("more bytes saved for backward (%s -> %s)"
                        % (fmt_bytes(before.saved_bytes), fmt_bytes(after.saved_bytes)))
    fewer_nodes = (after.graph_nodes_kept or 0) < (before.graph_nodes_kept or 0)
    less_held = (after.held_peak_bytes or 0) < (before.held_peak_bytes or 0)
    if not (fewer_nodes or less_held):
        failures.append("the fixed version keeps as much during the run (largest graph kept "
                        "%s; held for backward at peak %s -> %s)"
                        % (_kept(before, after), fmt_bytes(before.held_peak_bytes),
                           fmt_bytes(after.held_peak_bytes)))
    verified = ["largest graph kept %s" % _kept(before, after)] if fewer_nodes else []
    if less_held:
        verified.append("held for backward at peak %s -> %s"
                        % (fmt_bytes(before.held_peak_bytes), fmt_bytes(after.held_peak_bytes)))
    return failures, [] if failures else verified


def _combine(*verdicts: Verdict) -> Verdict:
    return ([f for v in verdicts for f in v[0]], [c for v in verdicts for c in v[1]])


def _error_removed(before: RunRecord) -> List[str]:
    # The fixed version not raising is checked for every rule in `judge`.
    return ["error gone (%s)" % before.error_type] if before.error else []


def eval_without_no_grad(before, after, comparison, partial=False) -> Verdict:
    """NG101: same outputs, no graph kept, fewer bytes saved for backward."""
    if before.error:
        return [], _error_removed(before)
    return _combine(_same_outputs(comparison), _no_graph_after(before, after, partial), _fewer_saved(before, after))


def gradients_recorded_needlessly(before, after, comparison, partial=False) -> Verdict:
    """NG1 (default): same outputs, no graph kept, less saved or less kept alive."""
    if before.error:
        return _combine(_no_graph_after(before, after, partial), ([], _error_removed(before)))
    saved = _fewer_saved(before, after)
    kept = saved if not saved[0] else _less_kept(before, after)
    return _combine(_same_outputs(comparison), _no_graph_after(before, after, partial), kept)


def graph_kept_by_accumulator(before, after, comparison, partial=False) -> Verdict:
    """NG102: same outputs, no graph returned, and during the run the graphs of earlier
    iterations are no longer kept (a smaller largest graph, or fewer bytes held at once)."""
    if before.error:
        return [], _error_removed(before)
    return _combine(_same_outputs(comparison), _no_graph_after(before, after, partial), _less_kept(before, after))


def inplace_update_outside_no_grad(before, after, comparison, partial=False) -> Verdict:
    """NG103: the leaf in-place RuntimeError is gone; without it, outputs are unchanged."""
    if before.error:
        return _combine(_no_graph_after(before, after, partial), ([], _error_removed(before)))
    return _combine(_same_outputs(comparison), _no_graph_after(before, after, partial))


def target_without_graph(before, after, comparison, partial=False) -> Verdict:
    """NG104: the fix changes gradients by design, so outputs may differ; what it claims is that
    the target no longer records a graph: no graph kept, fewer bytes saved for backward."""
    if before.error:
        return _combine(_no_graph_after(before, after, partial), ([], _error_removed(before)))
    changed = ([], ["outputs changed, as a semi-gradient update does (%s)" % comparison.detail]
               if comparison is not None and not comparison.equal else _same_outputs(comparison))
    return _combine(_no_graph_after(before, after, partial), _fewer_saved(before, after), changed)


def gradients_disabled_for_training(before, after, comparison, partial=False) -> Verdict:
    """NG2: the original raises or leaves gradients missing; the fixed one produces them."""
    if after.none_count or not after.tensor_count:
        missing = ["the fixed version's gradients are missing (%d None of %d values)"
                   % (after.none_count, after.none_count + after.tensor_count)]
        return missing, []
    if before.error:
        return [], _error_removed(before) + ["gradients present"]
    if before.none_count:
        return [], ["gradients present (%d were missing)" % before.none_count]
    return _combine(_same_outputs(comparison), ([], ["gradients present"]))


def context_misuse(before, after, comparison, partial=False) -> Verdict:
    """NG3: the error disappears or grad mode is restored after main(); otherwise identical."""
    failures: List[str] = []
    if not after.grad_enabled_after or after.inference_mode_after:
        failures.append("grad mode is still changed after main() returns in the fixed version")
    verified = _error_removed(before)
    if not before.error:
        same = _same_outputs(comparison)
        failures += same[0]
        verified += same[1]
        if not before.grad_enabled_after or before.inference_mode_after:
            verified.append("grad mode restored after main()")
    return failures, [] if failures else verified


def context_never_entered(before, after, comparison, partial=False) -> Verdict:
    """NG303 (`with torch.no_grad() and ctx:`), NG308 (a decorator on an `async def`): the
    context never covered the code, whose original recorded a graph; the fixed one runs without
    gradients."""
    if before.error:
        return _combine(_no_graph_after(before, after, partial), ([], _error_removed(before)))
    if not before.outputs_have_grad_fn:
        return ["the original's return value holds no autograd graph: its body did not run "
                "with gradients"], []
    recorded = ([], ["the original's body recorded a graph (%d nodes)" % before.graph_nodes])
    return _combine(recorded, _same_outputs(comparison), _no_graph_after(before, after, partial),
                    _fewer_saved(before, after))


PROMISES: Dict[str, Promise] = {
    "NG101": eval_without_no_grad,
    "NG102": graph_kept_by_accumulator,
    "NG103": inplace_update_outside_no_grad,
    "NG104": target_without_graph,
    "NG303": context_never_entered,
    "NG308": context_never_entered,
    "NG1": gradients_recorded_needlessly,
    "NG2": gradients_disabled_for_training,
    "NG3": context_misuse,
}


def _first_line(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[:limit - 3] + "..."


def _raises(before: RunRecord, message: str) -> Verdict:
    """main() of the original raises the RuntimeError whose message contains `message`."""
    expected = "RuntimeError: %s" % message
    if before.error is None:
        return ["main() of the original does not raise (expected %s)" % expected], []
    if before.error_type != "RuntimeError" or message not in before.error:
        return ["main() of the original raises %s, not %s" % (_first_line(before.error), expected)], []
    return [], ["main() raises %s" % expected]


def backward_without_graph(before: RunRecord) -> Verdict:
    """NG201 (a helper that backpropagates what it computes, called with gradients disabled) and
    NG209 (a loss computed with gradients disabled, trained on alone): the backward pass raises."""
    return _raises(before, "element 0 of tensors does not require grad and does not have a grad_fn")


def training_in_inference_mode(before: RunRecord) -> Verdict:
    """NG203: gradients or optimizer state made in inference mode break a later normal update."""
    return _raises(before, "Inplace update to inference tensor outside InferenceMode is not allowed")


def inference_tensor_for_training(before: RunRecord) -> Verdict:
    """NG204: a forward pass with gradients on cannot save an inference tensor for backward."""
    return _raises(before, "Inference tensors cannot be saved for backward")


def thread_records_graph(before: RunRecord) -> Verdict:
    """NG307: a worker thread started under no_grad records a graph: main()'s return value (the
    workers' outputs) holds one."""
    if before.error:
        return ["main() of the original raises %s" % _first_line(before.error)], []
    if not before.outputs_have_grad_fn:
        return ["the original's return value holds no autograd graph: the worker threads ran "
                "without gradients"], []
    return [], ["the worker threads recorded a graph (%d nodes in the return value)"
                % before.graph_nodes]


def module_gets_no_gradient(before: RunRecord) -> Verdict:
    """NG208, NG210 and NG211: training runs without an error, but a trained module gets no gradient
    (it runs under no_grad, or its output only reaches the loss through a forward pass that does,
    or through a loss that is detached):
    main() returns the parameters' gradients after training, some of them None, the others present."""
    if before.error:
        return ["main() of the original raises %s" % _first_line(before.error)], []
    if not before.none_count or not before.tensor_count:
        return ["main() of the original does not return both missing and present gradients "
                "(%d None, %d tensors)" % (before.none_count, before.tensor_count)], []
    return [], ["training runs, but %d of %d gradients are None: those parameters never change"
                % (before.none_count, before.none_count + before.tensor_count)]


CLAIMS: Dict[str, Claim] = {
    "NG201": backward_without_graph,
    "NG203": training_in_inference_mode,
    "NG204": inference_tensor_for_training,
    "NG208": module_gets_no_gradient,
    "NG209": backward_without_graph,
    "NG210": module_gets_no_gradient,
    "NG211": module_gets_no_gradient,
    "NG307": thread_records_graph,
}


def _named(verdict: Verdict, called: str) -> Verdict:
    """The verdict's messages with `main()` replaced by the function actually called."""
    if called == "main()":
        return verdict
    return ([f.replace("main()", called) for f in verdict[0]],
            [f.replace("main()", called) for f in verdict[1]])


def judge_claims(rules: List[str], before: RunRecord, called: str = "main()") -> Verdict:
    """Failures and verified facts for rules without an automatic fix, on the original's run."""
    return _named(_judge_claims(rules, before), called)


def _judge_claims(rules: List[str], before: RunRecord) -> Verdict:
    failures: List[str] = []
    verified: List[str] = []
    for code in rules:
        claim = CLAIMS.get(code)
        if claim is None:
            failures.append("%s has no automatic fix and no runtime claim is known for it" % code)
            continue
        fails, facts = claim(before)
        failures += fails
        verified += [f for f in facts if f not in verified]
    return failures, verified


def promise_for(code: str) -> Optional[Promise]:
    """The promise of `code`: its own, else its family's (NG1xx -> "NG1"), else None."""
    return PROMISES.get(code) or PROMISES.get(code[:3])


def _grad_mode_leaked(run: RunRecord) -> bool:
    return run.grad_enabled_after is False or bool(run.inference_mode_after)


def judge(rules: List[str], before: RunRecord, after: RunRecord,
          comparison: Optional[Comparison], called: str = "main()", partial: bool = False
          ) -> Verdict:
    """Failures and verified facts for a fixed version of a file whose original loaded and ran
    (`called`: how to name the function the harness called; `partial`: the version applies one
    of several fixes)."""
    return _named(_judge(rules, before, after, comparison, partial), called)


def _judge(rules: List[str], before: RunRecord, after: RunRecord,
           comparison: Optional[Comparison], partial: bool) -> Verdict:
    if not after.ran:
        return ["the fixed version fails to load: %s" % after.load_error], []
    if before.error and after.error:
        if before.error == after.error:
            return ["main() raises the same error in both versions: %s" % before.error], []
        return ["main() raises in both versions: before: %s; after: %s"
                % (before.error, after.error)], []
    if after.error:
        return ["the fixed version raises %s (the original did not)" % after.error], []
    failures = ["the instrumented call of the %s raised %s (its first call did not): bytes "
                "saved for backward were not measured" % (side, run.instrument_error)
                for side, run in (("original", before), ("fixed version", after))
                if run.instrument_error]
    verified: List[str] = []
    if _grad_mode_leaked(after) and not _grad_mode_leaked(before):
        failures.append("the fixed version leaves grad mode disabled after main() returns")
    seen = set()
    for code in rules:
        promise = promise_for(code)
        if promise is None:
            failures.append("no runtime promise is known for %s" % code)
            continue
        if promise in seen:
            continue
        seen.add(promise)
        fails, facts = promise(before, after, comparison, partial)
        failures += fails
        verified += [f for f in facts if f not in verified]
    return failures, verified
