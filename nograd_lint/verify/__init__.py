"""Runtime verification harness (`nograd-verify`).

Lints a script, fixes it with the project's own fixer, runs `main()` of both versions in fresh
subprocesses on real torch, measures what autograd keeps, and judges whether the fix kept the
rule's promise. Only the child subprocess and the measurement code import torch (lazily); this
package can be imported without torch installed.
"""
