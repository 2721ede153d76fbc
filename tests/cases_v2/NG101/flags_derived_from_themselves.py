# settings: min_confidence=low
"""Flags a function derives from a parameter and reads back: `done = not done` reads its old value,
and `a = not flag; b = not a` chains two tests. Deciding `if b:` from the caller's literal must not
loop on them (a run once stopped with "nesting too deep" on such code). Each loop runs a model
and keeps nothing: reported at low confidence (nothing says it is a model but the callers)."""
import torch


def run(model, loader, flag=False):
    a = not flag
    b = not a
    if b:
        for x in loader:
            model(x)  # expect: NG101@13


def loop(model, loader, done, verbose=False):
    done = not done
    if verbose:
        print("evaluating")
    if done:
        for x in loader:
            model(x)  # expect: NG101@13


def main(model, loader, finished):
    run(model, loader, flag=True)
    loop(model, loader, finished, verbose=True)
