"""NG1: gradients recorded where nothing needs them, and no_grad missing where torch requires it."""
from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from ..fixes import edits
from ..analysis import knowledge
from ..io.config import Settings
from ..diagnostics import Confidence, Fix, FixSafety
from ..analysis.summaries import model_of
from ..analysis.prefilter import Signals
from ..analysis.imports import dotted_name
from ..analysis.calls import is_optimizer_call
from ..analysis.syntax import is_false
from ..analysis.gradmode import FileAnalysis, LoopInfo, Mode
from ..analysis.lattice import Kind
from ..analysis.evaluation import evaluation_regions
from ..analysis.trainable import requires_grad_flag
from ..analysis.treewalk import iter_nodes
from .base import Finding, Rule
from .common import turns_gradients_on
from .registry import register


def _context(analysis: FileAnalysis, settings: Settings) -> tuple[str, Optional[bool]]:
    """How fixes spell the context, and whether they add `import torch` (None: no fix is safe, as
    `torch` may not be the module where the fix runs; messages still name `torch.<context>()`)."""
    spelled = edits.torch_callable(analysis.module, settings.fix_context)
    if spelled is None:
        return f"torch.{settings.fix_context}()", None
    return f"{spelled[0]}()", spelled[1]


def _grad_flag_context(analysis: FileAnalysis, flag: str) -> Optional[str]:
    """`torch.set_grad_enabled(<flag>)` as the module spells torch (None: it cannot)."""
    spelled = edits.torch_callable(analysis.module, "set_grad_enabled")
    return f"{spelled[0]}({flag})" if spelled is not None else None


@register
class EvaluationWithGradients(Rule):
    """
    ## What it does
    Finds code that runs forward passes while autograd records, when nothing uses the graphs:
    evaluation, validation, test, prediction, inference and generation functions, loops and
    script statements.

    The analysis follows values, not names. A call is a forward pass when it calls a module: one
    built from an `nn.Module` class (torch.nn, a model factory, a class of the project), one the
    code calls module-only methods on (`.eval()`, `.parameters()`), one the callers pass, a parameter
    annotated with a module class (`model: nn.Module`, `net: Optional["Encoder"]`), or, with
    less confidence, one whose name reads as a model (`model`, `self.net`). A method of a module
    of unknown class (`model.infer(x)`, the model built by a registry of the project) runs what
    the one class that defines it runs, when exactly one class of the file or of the project
    modules it imports (and those they import) defines it; without one such class, a method
    whose first word is an inference verb (`predict`, `infer`, `generate`, `decode`, ...) of a
    module the code put in eval mode runs it, whichever class it is. A method called on an
    instance of one of several project classes (`policy = TD3(...)` or `DDPG(...)`, handed to
    `eval_policy(policy, env)`) runs what each class's own method runs. A method called on a
    parameter or a field of unknown value (`self.agent.act(obs)`, the agent built by a factory the
    object is handed) runs what the project's method of that name runs when the receiver's last
    word is a word of its class's name or of a base's (`agent` of `SACAgent`, `model` of
    `TransE(Model)`), no tensor has such a method, and every such method runs a forward pass and
    none trains, in a function named for evaluation; a function whose only passes are such guesses
    is medium at most. A field its class's
    methods treat as a module (`self.pmodel.parameters()`) is a module by that evidence. A function handed to a
    project function that calls it (a decoding step given to a beam search, a step given to a
    runner) runs its forward passes at that call, and what the call returns may carry their
    graphs. A region is reported
    when it runs such forward passes with gradients on and:

    - the module is in eval mode there (`model.eval()`, `Net().eval()`, `model.half().eval()`,
      `.train(False)`, `if model.training: model.eval()`, a global the script puts in eval mode at
      its top level or at the start of its `__main__` block in a module that switches no module
      back to train mode and whose functions do not rebind it (`model = torch.load(path)`, then
      `model.to(device).eval()`), a field of an object the caller put in eval mode before calling
      the object's method that runs it (`agent.actor.eval()`, then `agent.act(s)`, whose pass runs
      `self.actor`), a method of the project that only puts its object's modules in eval mode,
      `model.val_start()`, a model loaded with a pretrained-model library's `from_pretrained`, put in eval mode by the callers
      (callers in test files do not count for a library's function) or in `__init__` (or a method only `__init__`
      calls, `self._init_model(config)`), or by every call in the
      project that builds the plain object holding it, `Translator(load_model(path))`, when
      `__init__` stores it as given and no other method stores or switches it; in the methods of
      a module class that puts itself in eval mode when built, `self.eval()` in `__init__` or a
      method only `__init__` calls, and never switches back (an inference wrapper); a module known only
      from that `.eval()` call and named as a data transform, `self._transform`, does not count)
      and the graphs are thrown
      away or its callers throw them away (a caller that is a test does not count): high confidence; when the outputs leave for callers
      the analysis cannot see, medium if it runs the module batch after batch in a loop (or the
      function's name is one of evaluation), low otherwise;
    - the inputs are made with `Variable(x, volatile=True)` or given `x.volatile = True`, the
      pre-0.4 ways to run without gradients that torch now ignores: the author meant no graphs, so even outputs returned to
      callers are reported (medium), and high when the graphs are thrown away;
    - the graph of every batch is thrown away in a loop: high with a second sign (a name such as
      `evaluate`, a loader such as `val_loader`, a call of an evaluation metric in the function or
      loop, `nltk.translate.bleu_score.sentence_bleu`, `sklearn.metrics.f1_score`, sacrebleu,
      jiwer, rouge, torchmetrics' functions, SciPy's correlations); medium when values are read from the outputs of
      each step (`.item()`, `.tolist()`, `.numpy()`, `.detach()`, an `argmax`, a sampled action in an
      environment loop, or a project function given them that does so, `tensor_to_img(out)`) and
      the module is surely one; low when the graph is only dropped (library
      loops that build, move or register modules look like that);
    - a function reads only values from the outputs of a module whose class has parameters (a
      model class of the project, a torch.nn layer with weights), a probe such as
      `return critic(s, a)[0].item()`: nothing can use the graph, whoever calls it: medium
      (reading only the shape, `.size()` or `.numel()`, does not count). So is a function that
      detaches every output of a module it was given (`self.model`, a parameter) before it reads
      or keeps it (`F.softmax(self.model(**inputs).logits).detach().cpu().numpy()`): its author
      knew the outputs carry a graph, and the graph is thrown away (medium). A method that a base class
      of the project calls as `self.name(...)` (a template method) is judged with that call; one that
      a base class defined elsewhere may call (often under `no_grad`) is reported one level lower;
    - a function's outputs leave it only stored in attributes (`buffer.logprobs.append(lp)` in a
      rollout) that the module reads only detached (`torch.stack(buffer.logprobs).detach()`):
      every step's graph is kept and never used: medium (high with the module in eval mode);
    - only values are read from the outputs (`critic(s, a)[0].item()`), or from what a project
      helper returns that runs such a module, built elsewhere, and gives its graph back without
      training (`math.exp(self.get_loss(x, y).item())`), and nothing returns a graph: medium;
      outputs of the trained network itself detached into the loss the same scope
      backpropagates (a critic's own TD target, also after an earlier backward pass of the
      scope), or into the loss it returns with another pass of the same network (SAC's
      `compute_loss`: the policy's pass on the next states in the Q target), are the author's
      stop-gradient, never evaluation;
    - a target network's pass (a copy of a network the scope trains: synced by
      `target.load_state_dict(online.state_dict())`, made by `copy.deepcopy(online)`, or
      Polyak-updated over `zip(online.parameters(), target.parameters())`) whose outputs are
      detached into the loss the scope backpropagates or returns (a DQN's or DDPG's TD target):
      its parameters still require grad, so it records a graph the detach throws away; under
      `no_grad` the target and the gradients are the same (checked on torch). The statements
      are reported, consecutive ones as one (the target actor, then the target critic): low,
      since reviewers disagree whether a training step's target is waste worth a finding (the
      labelled set calls it clean where upstream did not fix it); a network the function puts in
      eval mode (on some path) and never back in training mode, detached into the loss, is a
      frozen reference (a teacher, the previous task's model in incremental learning): medium;
    - a rollout of the model the function trains keeps every step's outputs in lists through the
      loop and detaches them only after it, as the update's constants (`values.append(v)`, then
      `torch.stack(values).detach()`): no step's graph is used: the loop, medium. The actions a
      torch distribution draws (`Categorical(logits=out).sample()`) carry no graph; `rsample()`
      and `log_prob` do;
    - a function that trains for some arguments is called with literal flags that make it only
      evaluate (`run_epoch(model, val_loader, opt, train=False)`): the call is reported;
    - inside training code, a forward pass's output is detached at once (a teacher, an EMA copy,
      a metric network), or goes straight to a project function that never differentiates
      anything and neither keeps nor returns it (`self.save_grid(self.gen(z))`): the statement is
      reported, unless the code trains that model (another of its forward passes is
      backpropagated in the same function, or in another method of the class for a model of
      `self`, or an optimizer stepped there holds its parameters): a GAN's samples detached in the
      discriminator's step and a critic's own TD target are training code; so is a teacher's
      output detached at once in a function that returns a loss of what it is given (a
      distillation penalty on the student's outputs): that statement is reported, never the
      whole function, whose `no_grad` would cut the student's gradient. An attack backpropagates
      only for the gradient of an input it made require one (`delta.requires_grad = True`, then
      `delta.grad`), stepping no optimizer: it trains no model, so a pass there whose output is
      detached at once or only compared (PGD's restart scoring) is reported;
    - a script's top level runs a model after training, or after `model.eval()`, and throws the
      graphs away; or, in a script that never trains, a loop runs a model put in eval mode and
      keeps the outputs of every batch only in containers (detections collected for a report);
      or it runs a model it loaded weights into (`load_state_dict(torch.load(path))`) in a file
      where nothing trains, backpropagates or wants gradients (a sampling script): medium;
    - a method of a plain class (no module) runs models its object loaded weights into (a
      checkpoint, a TorchScript archive from `torch.jit.load`) in a file where nothing trains:
      the class serves a trained model (`Recognizer(archive).transcribe(audio)`): medium; so does
      a top-level function that runs a model of the module's globals the module loaded weights
      into (`vocoder = load_model(ckpt)` under `__main__`, read by a request handler), or a
      model it builds and loads weights into itself (a script's `main()` that loads the
      checkpoint and runs the network on an input read from disk). A
      `load_state_dict` call makes its receiver a module with weights even when a library built
      it (`instantiate(config.model)`);
    - in a loop that trains, after its training step, an `if step % N == 0:` block runs a module
      and only reads values from its outputs or detaches them (a test accuracy printed every N
      steps, samples of a fixed noise saved as images): its statements that run the module are
      reported, medium;
    - in a training function or the body of its epoch loop, after the training steps, statements
      run a module the code put in eval mode (`gen.eval()`) and throw the graphs away, or keep
      the outputs (`samples.append(gen(fixed_z))` after each epoch: every epoch's graph stays
      alive with them): high when the graphs are thrown away, medium when the outputs are kept;
    - in a function that steps no optimizer, after a call of a helper that only differentiates (an
      attack following the loss's gradient with respect to its input, a Langevin sampler: it
      backpropagates and steps no optimizer), statements of the same block run a module and throw
      every graph away (`x_adv = attack(x, y)`, then `model(x_adv).argmax(1)`): those statements
      are reported, with the confidence the function's own evidence gives (its name, eval mode,
      loaded weights); the fix leaves the helper outside the `no_grad` block.
    - in the `__init__` of a plain class (a trainer), a forward pass whose output is detached at
      once (`self.latent_avg = self.net.decoder.mean_latent(10 ** 5)[0].detach()`): the statement,
      medium (a module's `__init__`, which runs dummy inputs for shapes, is never reported);
    - a function that registers forward hooks on the model (itself, or in a function it nests),
      runs the model on an input, reads nothing of the output and returns no graph: a profiling
      pass (a FLOP or parameter counter), whose graph nobody can use: medium, even when its
      dummy input was made with `requires_grad=True`;
    - a loop over literal phases, `for phase in ["train", "val"]:`, whose every backward pass and
      optimizer step runs under `if phase == "train":` while its forward passes run outside that
      branch with gradients on: the other phases record graphs nobody uses (medium). The fix
      wraps the statements from the first forward pass to the end of the loop's body in
      `with torch.set_grad_enabled(phase == "train"):`, as PyTorch's fine-tuning tutorial does;
    - likewise a loop whose body compares one variable with `"train"` and with an evaluation
      phase or a forward-only mode (`to_do == "train"`, `to_do == "forward"`, `"valid"`,
      `"predict"`), whatever gives it its value (a config, a parameter), and backpropagates
      only under `if to_do == "train":`: the fix enables gradients with
      `torch.set_grad_enabled(to_do == "train")`;
    - in a function that steps an optimizer, the statements after the last update of a block whose
      forward passes only give values (test-time adaptation's accuracy after each batch's
      adaptation steps): with the confidence the function's own evidence gives when its name says
      it evaluates, low otherwise (a training accuracy measured again after the step).

    It stays silent when the graphs are used: a backward pass, `torch.autograd.grad`,
    learn2learn's `learner.adapt(loss)`, `requires_grad_`, `register_hook` on them, or a caller that differentiates what the function
    returns (inputs built by helpers as `torch.zeros(..., requires_grad=flag)` or
    `x.requires_grad_(flag)` count only when the flag the caller passes may be true); when the
    module is frozen (`requires_grad_(False)`, or every parameter's
    `requires_grad = False`) and its inputs carry no graph (nothing is recorded), or has no
    parameter at all (a parameter-free torch layer such as `nn.Softmax(dim=1)`, torch's loss
    classes, a project `nn.Module` whose fields are buffers and such layers, like a mel
    front end) and its inputs carry no graph; in framework
    hooks that already run without gradients (Lightning's `validation_step` in a class derived
    from Lightning's, directly or through the project's own classes in other files, or from a base
    that cannot be read; Ignite's evaluators; the method a ComfyUI node names in `FUNCTION`, ...); in tests (every function of a test suite, a
    test file that imports a test framework or has a test class, helpers included; elsewhere,
    `test*` methods of `Test*` classes, of `*TestCase` mixins and of `TestCase`s, `test_*`
    functions pytest collects from a test file without arguments or in a `tests` folder; a
    `Trainer.test()` elsewhere is evaluation); in `forward`, in
    `__call__` (except a plain class's, derived from nothing: a predictor object's API), and in
    overrides of `nn.Module`'s own API, unless they decode step by step (a loop that reads only
    indices or values from each step's outputs, `logits.topk(1).indices`, and uses or returns no
    step's graph, or run one of their own layers and detach its output at once, `x1 =
    self.stage1(x).detach()`: those statements are reported, unless another pass of that layer
    there is not detached, a Siamese stop-gradient, or the class gives the layer a parameter that
    requires no grad); in helpers whose callers (in any module of the project checked in the
    same run, and the run's notebooks) all disable gradients; in a method no call could be
    resolved to (called on a model loaded from a checkpoint) when every call of that name in the
    run's files (all of them read, outside tests and model code) disables gradients (a call in a
    subclass's hook that its base class runs only under `no_grad` counts); in a function nothing in sight calls that turns a forward
    pass's outputs into NumPy arrays without detaching them (`out.cpu().numpy()`, `np.asarray(out)`:
    torch raises there on a tensor that requires grad, so working code runs it with gradients off;
    with a caller in sight running it with gradients on, it is reported, since `no_grad` fixes the
    failure); and in files that use another array framework and no PyTorch
    package. Names alone (`evaluate`, `predict`) give a low-confidence finding at most. A shape
    check is low whatever its name: a function given nothing that builds a model (no weights
    loaded) and runs it once on tensors it makes up (`net(torch.randn(1, 3, 32, 32))`, then
    `print(y.size())`) evaluates nothing. So is a function of a module that imports no PyTorch
    package whose only models are ones it holds known by their names (`self.model.logscore(w)`
    may be an n-gram model's); a model it is given is judged by its callers.

    ## Why is this bad
    `model.eval()` does not turn off gradients; it only changes layers such as dropout and batch
    norm. With autograd on, every forward pass keeps the activations that a backward pass would
    need, so evaluation uses far more memory and time than it has to (see
    `docs/verification.md` for measured numbers).

    ## Example
    ```python
    def evaluate(model, loader):
        model.eval()
        correct = 0
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
        return correct / len(loader.dataset)
    ```

    ## Use instead
    ```python
    @torch.no_grad()
    def evaluate(model, loader):
        ...
    ```
    or wrap the evaluation loop in `with torch.no_grad():`.

    ## Fix safety
    The fix adds `@torch.no_grad()` to a function that is evaluation as a whole, or wraps the
    loop or statements in `with torch.no_grad():` (`fix-context = "inference_mode"` inserts
    `torch.inference_mode()` instead). It reuses the module's torch alias and adds `import torch`
    only when missing. It is **safe** when nothing computed in the region leaves it except as a
    Python value (`.item()`, `len`, arithmetic on those); it is **unsafe** when a tensor is
    returned, yielded, stored on an object or used after the loop, since a caller might
    backpropagate through it. A function that turns gradients back on itself (the statement
    `torch.set_grad_enabled(True)`, copied from a training function, and nothing that
    differentiates) gets no automatic fix: the decorator's mode would end at that statement.

    ## Known limits
    Passes under an explicit `with torch.enable_grad():` in code that differentiates something
    there (an attack inside a robust evaluation) are at most low confidence, though the final
    pass on the adversarial batch needs no graph. Values are followed through the project's own modules, not into other packages: a model built
    by an unknown library call is known only by how the code uses it or by its name. Calls through
    `getattr`, registries and callbacks are not followed (the runtime sentinel,
    `nograd-verify --watch`, sees them); a method a `getattr(self, "_" + mode)` dispatch may reach,
    and nothing calls by name, is reported at low confidence at most. A function whose name is
    passed around has callers unseen, except one rebound to its compiled self
    (`self.step = torch.compile(self.step)`): the calls of that name are its callers. Callers in other files are
    known when the run checks them too (`nograd-lint DIR`); a single file sees only what it imports. Calls are followed two
    modules deep from the files checked (a helper's helper in a third module is an unknown call);
    class ancestry is followed all the way. Outputs stored in attributes are matched to their reads
    by the attribute's name within the module (`.logprobs` read detached anywhere in it, never
    otherwise); reads in other modules are not seen, so a buffer read elsewhere is not reported. The
    pre-pass that skips files without signs of a forward pass reads one file at a time: a call of a
    field that only a base class in another file makes a module (`self.denoiser(x)`) is not
    recognised there, and such a file is not analysed for NG101 (one with a call that passes
    `train=False` or `eval=True` is). An undetached `.numpy()` counts
    only on outputs that reached it through torch's own operations: a value passed through a call
    of code that is not read (a transform object) may be a new tensor without a graph. A helper
    that appends a graph to a container of its object (`self.log_probs.append(lp)`) is taken to
    keep it for a later update, so a rollout calling it is not reported, even when nothing
    backpropagates that container. `super().method(x)` and `Base.method(self, x)` are not followed.
    A module of no known class (built by a loader or a registry) is not reported in a project whose
    imported modules, or the files the run checks, define a `forward` that calls
    `torch.autograd.grad` (a learned potential's forces): it may be one of those, which cannot be
    evaluated without gradients (a file checked alone does not see such a module elsewhere in
    the project). A method called on a module of no known class is looked for in the files beside
    the caller's module on disk when the run does not check them (flake8 and an editor check one
    file at a time), as in a run of the whole project. Calling a module
    counts as training when its `forward`, or a hook its base class's `forward` calls and the class
    overrides (a test-time adaptation step), reaches a backward pass or an optimizer step for the
    literal arguments given; any other side effect of a call is not read.
    """

    code = "NG101"
    name = "evaluation-with-gradients"
    summary = "Evaluation code runs forward passes with gradients enabled."
    fix_availability = "sometimes"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.forward

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        context = needs_import = None
        for region in evaluation_regions(analysis, settings.evaluation_names):
            if context is None:  # the module's bindings are read only when something is reported
                context, needs_import = _context(analysis, settings)
            first = region.anchor
            safety = FixSafety.UNSAFE if region.escapes else FixSafety.SAFE
            if region.kind == "function":
                function = region.scope
                # (a decorator's mode is the body's until it turns gradients back on itself)
                fix = None if function.is_async or needs_import is None or turns_gradients_on(analysis, function) else Fix(
                    safety, f"add `@{context}` to `{function.name}`",
                    edits.add_decorator(function.node, context, needs_import), anchor=function.node)
                where = f"`{function.name}`"
            else:
                wrapper = context if region.grad_flag is None else _grad_flag_context(analysis, region.grad_flag)
                fix = None if needs_import is None or wrapper is None else Fix(
                    safety, f"wrap the {'loop' if region.kind == 'loop' else 'statements'} in `with {wrapper}:`",
                    edits.wrap_in_with(region.statements, wrapper, needs_import), anchor=region.statements[0])
                where = " ".join(filter(None, ("this", region.what, "loop" if region.kind == "loop" else "code")))
            remedy = (f"disable them with `{context}`" if region.grad_flag is None else
                      f"enable them only for training with `torch.set_grad_enabled({region.grad_flag})`")
            message = f"{where} runs forward passes with gradients enabled ({region.evidence}); {remedy}"
            yield Finding(first.node, message, fix, region.confidence, _related(analysis, region))


MAX_CALLERS_SHOWN = 10
MAX_FORWARDS_SHOWN = 4  # further forward passes of a reported function, in other statements


def _related(analysis: FileAnalysis, region) -> tuple:
    """Related locations: the calls of a reported function (whose evaluation it is; a base class's
    `self.name(...)` calls of a template method too), the other forward passes of a reported
    function, loop or run of statements (each branch of `if batch: ... else: ...`, each statement
    that the one fix covers), and the first forward pass of the helper a reported call runs (where
    the graphs start)."""
    model = model_of(analysis)
    found = []
    if region.kind == "function":
        found += [(fact.node, where, f"`{region.scope.name}` is called here")
                  for fact, where in model.call_sites(region.scope)[:MAX_CALLERS_SHOWN]]
        found += [(call.node, where, f"`{method.class_name}.{method.name}` calls it here")
                  for method, _, call, where in model.base_class_calls(region.scope)[:MAX_CALLERS_SHOWN]]
    # each other statement that runs a forward pass, which the one fix covers too
    also = f"`{region.scope.name}` runs a forward pass here too" if region.kind == "function" else (
        "the code the fix wraps runs a forward pass here too")
    shown = {id(region.tokens[0].call.statement)}
    for token in region.tokens[1:]:
        if len(shown) > MAX_FORWARDS_SHOWN:
            break
        if id(token.call.statement) not in shown:
            shown.add(id(token.call.statement))
            found.append((token.call.node, analysis, also))
    callee = region.tokens[0].callee
    if callee is not None:
        owner = (model.project.owner_of(callee) if model.project is not None else None) or model
        if any(function is callee for function in owner.analysis.functions):
            summary = owner.summary_of(callee)  # a module read on demand has summaries only
            results = owner.results_of(callee) or ([summary.result] if summary is not None else [])
            forwards = _forwards_as_called(model, region, summary) or [
                token for result in results for token in result.forwards]
            first = min(forwards, key=owner.order, default=None)
            if first is not None:
                found.append((first.call.node, owner.analysis, f"`{callee.name}` runs its first forward pass here"))
            else:
                found.append((callee.node.name, owner.analysis, f"`{callee.name}` runs the forward passes"))
    return tuple(found)


def _forwards_as_called(model, region, summary) -> list:
    """The forward passes a reported call's helper runs with the literal arguments the call gives
    it (`data_iter(loader, train_mode=False)`: those of its evaluation branch, not its training's)."""
    if summary is None:
        return []
    results = model.results_of(region.scope) if region.scope is not None else [model.module_result]
    for result in results:
        entry = result.outgoing_calls.get(id(region.tokens[0].call.node)) if result is not None else None
        if entry is not None and entry[3]:
            return list(summary.given(entry[3]).result.forwards)
    return []


@register
class AccumulatedGraph(Rule):
    """
    ## What it does
    Finds a loss or output tensor added up across loop iterations (`total_loss += loss`,
    `total = total + loss`, a running average `avg = avg * 0.99 + loss * 0.01`,
    `losses.append(loss)`, also into `self.history` or `history["loss"]`) while gradients are on,
    when the accumulated value never reaches a backward pass.

    ## Why is this bad
    The accumulated tensor keeps a reference to every iteration's autograd graph. When no
    backward pass frees the tensors those graphs saved (a loss summed for a printout), memory
    grows with every iteration by everything the forward pass saved; when each loss is
    backpropagated, a chain of graph nodes still grows. `nograd-verify` measures both on the
    NG102 examples (see `docs/verification.md`). This is the PyTorch FAQ's "don't accumulate
    history across your training loop".

    ## Example
    ```python
    total_loss = 0
    for x, y in loader:
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        total_loss += loss
    print(total_loss / len(loader))
    ```

    ## Use instead
    ```python
        total_loss += loss.item()
    ```

    ## Fix safety
    The fix takes `.item()` of a loss when the total is only printed, logged or compared: **safe**.
    When the total is returned or used as a tensor, or the value is not a scalar loss, the fix uses
    `.detach()` (or `.item()` for a returned loss) and is **unsafe**: the type or differentiability
    of what callers get changes.

    ## Known limits
    Accumulation that is later backpropagated on purpose (`total.backward()`, also through
    intermediate names) is recognised within the function; a caller that backpropagates through a
    returned total is not visible, so such findings carry medium confidence. When every graph
    the list keeps comes from evaluation code that NG101 reports (samples drawn in eval mode after
    each epoch and appended), NG101 alone reports it: its `no_grad` fixes both. With NG101 not
    selected, NG102 reports the list. A list made afresh at each step of an outer loop that
    backpropagates the graphs it collects (glimpse locations kept for a plot of the batch) holds
    them no longer than training does, but is still reported: telling it from a rollout's list
    whose graphs are only detached later needs a more precise reading of what is backpropagated.
    A total kept in a NumPy array (`scores = np.zeros(n)`, then `scores[i] += metric(out, y)`) is
    not reported: a tensor stored into an array's slot becomes a float.
    A local total or list in a method of a class named `forward`, `__call__`, `_forward` or
    `forward_*` is not reported: it gathers one forward pass (the outputs of every layer, or of
    every tree of an ensemble) and goes away with the call.
    """

    code = "NG102"
    name = "accumulated-graph"
    summary = "A tensor accumulated across loop iterations keeps every iteration's graph alive."
    fix_availability = "sometimes"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.accumulation and (signals.forward or signals.loss)

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        model = model_of(analysis)
        if not model.may_use_torch:
            return
        reported: set[int] = set()
        results = list(model.all_results())
        # accumulations whose total leaves the function in some interpretation of it: a context
        # where it stays (`sample(with_details=False)`) is not a leak of the code, which keeps the
        # graphs for the callers that ask for them
        leaving = {id(accumulation.fact.node) for result in results for accumulation in result.accumulations
                   if result.fate(accumulation.token)}
        for result in results:
            for accumulation in result.accumulations:
                if id(accumulation.fact.node) in reported or (
                        result.context.constants and id(accumulation.fact.node) in leaving):
                    continue
                finding = self._finding(analysis, settings, result, accumulation)
                if finding is not None:
                    reported.add(id(accumulation.fact.node))
                    yield finding

    def _finding(self, analysis: FileAnalysis, settings: Settings, result, accumulation) -> Optional[Finding]:
        fact, accumulator, value = accumulation.fact, accumulation.name, accumulation.value_node
        if analysis.state_of(fact).mode is not Mode.ENABLED or "used" in result.fate(accumulation.token):
            return None  # the total is differentiated on purpose
        if _converted_where_a_tensor(value):
            return None  # `loss.item() if task != 0 else loss`: the other branch holds the plain start value
        loops = [loop for loop in fact.loops if loop.function is fact.function]
        plain = accumulator.isidentifier()  # a name, not `self.losses` or `history["loss"]`
        if not loops or (plain and _rebound_in_loop(analysis, fact.function, accumulator, loops[-1].span, fact)):
            return None
        function = fact.function
        if plain and function is not None and function.class_name is not None and _runs_the_forward_pass(function.name):
            return None  # a list of one forward pass (every layer's outputs): it goes away with the call
        tokens = {token.id: token for key, token in result.tokens.items()
                  if not (isinstance(key, tuple) and key[0] == "accumulation")}
        # graphs built inside the loop, this iteration: the total keeps one more at every step
        fresh = [tokens[s] for s in accumulation.value.sources if s in tokens and loops[-1] in tokens[s].call.loops]
        carriers = [name for name, carried in accumulation.carriers.items()
                    if any(s in tokens and tokens[s] in fresh for s in carried.sources)]
        if not fresh or not carriers:
            return None
        if accumulation.token in result.detached_into_backward or any(t.id in result.detached_into_backward for t in fresh):
            return None  # outputs collected, then detached into the loss: NG101 reports a target network's pass
        others = {a.token for a in result.accumulations if a is not accumulation}
        if any(accumulation.carriers[c].sources & others for c in carriers):
            return None  # `history.append(total / n)` where `total` accumulates: fixing `total` fixes both
        displayed = not result.fate(accumulation.token)  # printed, logged, compared: never leaves as a tensor
        collected = isinstance(accumulation.fact.node, cst.Call)  # `outputs.append(x)`, not `total += x`
        if displayed and all("returned" in result.fate(token.id) for token in fresh):
            # a total or a list that stays here, of outputs whose graph the function returns anyway
            # (a sampled sequence's log-probabilities): it keeps no graph longer
            return None
        scalars = [c for c in carriers if accumulation.carriers[c].is_loss or "loss" in c.lower()]
        # a backpropagated loss kept in a list is only history; outputs kept with their graph are
        # collected on purpose (their graphs may be needed later)
        trained_on = any("used" in result.fate(token.id) for token in fresh) and (scalars or not collected)
        if not (displayed or trained_on):
            # Adding up tensors to differentiate the sum later is normal (an ELBO over particles,
            # outputs collected in a forward): only a total that is displayed, or the total of
            # losses that were already backpropagated, is a leak.
            return None
        if trained_on and plain and _chunks_of_one_step(analysis, result, accumulator, loops, fact):
            # the losses of one step's chunks, each backpropagated (its buffers freed), summed for
            # the log and reset at the next step (gradient accumulation): nothing builds up
            return None
        carrier = carriers[0]
        scalar = accumulation.carriers[carrier].is_loss or "loss" in carrier.lower()
        method = "item" if scalar and displayed else "detach"
        safety = FixSafety.SAFE if method == "item" else FixSafety.UNSAFE
        fix = Fix(safety, f"use `{carrier}.{method}()`",
                  edits.replace(value, _call_method_on(value, carrier, method)), anchor=fact.statement)
        message = (f"`{accumulator}` accumulates `{carrier}` with its autograd graph across iterations; "
                   f"accumulate `{carrier}.{method}()` instead")
        confidence = Confidence.HIGH if displayed else Confidence.MEDIUM
        if not scalar and not any(accumulation.carriers[c].kind is Kind.TENSOR for c in carriers):
            confidence = Confidence.LOW  # `r.speed["inference"]` of what a call returned: maybe no tensor at all
        if _reported_as_evaluation(analysis, settings, fresh):
            return None
        return Finding(value, message, fix, confidence)


def _chunks_of_one_step(analysis: FileAnalysis, result, accumulator: str, loops: list, fact) -> bool:
    """Is the innermost loop the chunks of one optimizer step (no `optimizer.step()` in it), with
    the total made afresh in an enclosing loop, at each step?"""
    inner = loops[-1].span
    if any(inner.contains(call.index) and is_optimizer_call(call) and call.method == "step" for call in result.training):
        return False  # a step per iteration: the total keeps the history of every step
    return any(_rebound_in_loop(analysis, fact.function, accumulator, outer.span, fact) for outer in loops[:-1])


def _converted_where_a_tensor(value: cst.BaseExpression) -> bool:
    """`x.item() if cond else x`: the author converts `x` in the branch where it is a tensor and
    adds it as it is in the other, where it still holds its plain start value (`x = 0.0`)."""
    if not isinstance(value, cst.IfExp):
        return False
    for converted, plain in ((value.body, value.orelse), (value.orelse, value.body)):
        if (isinstance(plain, cst.Name) and isinstance(converted, cst.Call) and not converted.args
                and isinstance(converted.func, cst.Attribute) and converted.func.attr.value in ("item", "tolist")
                and isinstance(converted.func.value, cst.Name) and converted.func.value.value == plain.value):
            return True
    return False


def _runs_the_forward_pass(method: str) -> bool:
    """`forward`, `__call__`, `_forward`, `forward_features`: a method that computes a module's output."""
    return method in ("forward", "__call__", "_forward") or method.startswith("forward_")


def _reported_as_evaluation(analysis: FileAnalysis, settings: Settings, fresh: list) -> bool:
    """Are the graphs an accumulation keeps all forward passes of evaluation regions that NG101
    reports at these settings, at medium confidence or more (whatever this one's)? One finding
    per wasted graph: the region's `no_grad` fixes both."""
    if not settings.is_enabled(EvaluationWithGradients.code, EvaluationWithGradients.default_enabled):
        return False
    shown = {id(token.call.node) for region in evaluation_regions(analysis, settings.evaluation_names)
             if region.confidence >= max(settings.min_confidence, Confidence.MEDIUM) for token in region.tokens}
    return all(id(token.call.node) in shown for token in fresh)


def _rebound_in_loop(analysis, scope, name, loop_span, fact) -> bool:
    """The accumulator is reset inside the loop: each iteration starts afresh."""
    for assign in analysis.facts_in(analysis.assigns, scope, loop_span):
        if assign is not fact and name in assign.targets and assign.augmented is None:
            node = assign.node
            is_accumulation = (isinstance(node, cst.Assign) and isinstance(node.value, cst.BinaryOperation)
                               and isinstance(node.value.left, cst.Name) and node.value.left.value == name)
            if not is_accumulation:
                return True
    return False


def _call_method_on(value: cst.BaseExpression, name: str, method: str) -> cst.BaseExpression:
    """`value` with each read of `name` replaced by `name.method()`."""
    class _Rewrite(cst.CSTTransformer):
        def visit_Attribute(self, node: cst.Attribute) -> bool:
            return True

        def leave_Name(self, original: cst.Name, updated: cst.Name):
            if original.value != name:
                return updated
            return cst.Call(func=cst.Attribute(value=updated, attr=cst.Name(method)))

        def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
            # Only the object of an attribute access may be rewritten, never the attribute name.
            return updated.with_changes(attr=original.attr)

    return value.visit(_Rewrite())


@register
class InplaceParameterUpdate(Rule):
    """
    ## What it does
    Finds in-place updates of model parameters outside `torch.no_grad()`: `p -= lr * p.grad`,
    `p.add_(...)`, `p.mul_(...)`, `p.copy_(...)`, `p.zero_()`, EMA updates such as
    `ema_p.mul_(d).add_(p, alpha=1 - d)`, where `p` comes from `model.parameters()`,
    `named_parameters()` or an optimizer's `group["params"]`.

    ## Why is this bad
    Parameters are leaf tensors that require grad. torch refuses to change them in place while
    gradients are recorded: `RuntimeError: a leaf Variable that requires grad is being used in an
    in-place operation.`

    ## Example
    ```python
    for p in model.parameters():
        p -= lr * p.grad
    ```

    ## Use instead
    ```python
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
    ```

    ## Fix safety
    The fix wraps the parameter loop in `with torch.no_grad():`. It is **safe**: code that raised
    now runs, and an update of parameters that do not require grad computes the same values.

    ## Known limits
    Only loops over `parameters()`, `named_parameters()`, `zip(...)` of those, and `group["params"]`
    are recognised; updates through `.data` are fine and not reported. A function that is only called
    under `no_grad` in its own module is not reported. Parameters frozen first are not reported:
    by `m.requires_grad_(False)` or a loop over `m.parameters()` anywhere in the file (by name),
    of a module frozen where it is built (`G = Net().train().requires_grad_(False)`) or a
    `copy.deepcopy` of a frozen one (`G_ema = copy.deepcopy(G).eval()`), or,
    earlier in the same function, by a function of the file that sets `requires_grad` of every
    parameter of the module it is given from the flag it is given (`toggle_grad(m, False)`; a
    later `toggle_grad(m, True)` thaws it again).
    """

    code = "NG103"
    name = "inplace-parameter-update"
    summary = "Parameters are updated in place while gradients are recorded."
    fix_availability = "safe"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.parameter_loop

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        context = needs_import = None
        reported: list = []
        frozen = frozen_modules(analysis)
        for loop in analysis.loops:
            sources = _parameter_names(loop)
            toggled = _toggled_before(analysis, loop)
            parameters = frozenset(name for name, module in sources.items()
                                   if module is None or not toggled.get(module, module in frozen))
            if not parameters or any(span.contains(loop.span.start) for span in reported):
                continue
            offender = self._first_inplace_update(analysis, loop, parameters)
            if offender is None:
                continue
            reported.append(loop.span)
            node, parameter = offender
            if context is None:  # the module's bindings are read only when something is reported
                context, needs_import = _context(analysis, settings)
            fix = None if needs_import is None else Fix(
                FixSafety.SAFE, f"wrap the loop in `with {context}:`",
                edits.wrap_in_with((loop.node,), context, needs_import), anchor=loop.node)
            yield Finding(node, f"in-place update of parameter `{parameter}` while gradients are recorded "
                                f"raises RuntimeError; do it under `with {context}:`", fix)

    def _first_inplace_update(self, analysis, loop: LoopInfo, parameters: frozenset[str]):
        candidates = []
        for assign in analysis.facts_in(analysis.assigns, loop.function, loop.span):
            node = assign.node
            if (isinstance(node, cst.AugAssign) and isinstance(node.target, cst.Name)
                    and node.target.value in parameters and analysis.state_of(assign).mode is Mode.ENABLED
                    and not _rebound_before(analysis, loop, node.target.value, assign.index)):
                candidates.append((assign.index, node, node.target.value))
        for call in analysis.facts_in(analysis.calls, loop.function, loop.span):
            if call.method not in knowledge.INPLACE_METHODS or analysis.state_of(call).mode is not Mode.ENABLED:
                continue
            receiver = call.receiver
            while isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Attribute) and receiver.func.attr.value in knowledge.INPLACE_METHODS:
                receiver = receiver.func.value
            if isinstance(receiver, cst.Name) and receiver.value in parameters and not _rebound_before(analysis, loop, receiver.value, call.index):
                candidates.append((call.index, call.node, receiver.value))
        if not candidates:
            return None
        _, node, name = min(candidates, key=lambda c: c[0])
        return node, name


def _rebound_before(analysis, loop, name, index) -> bool:
    """`p = p.detach()` or similar inside the loop makes `p` something else."""
    for assign in analysis.facts_in(analysis.assigns, loop.function, loop.span):
        if assign.index < index and name in assign.targets and assign.node is not loop.node and assign.augmented is None:
            return True
    return False


def _parameter_names(loop: LoopInfo) -> dict[str, Optional[str]]:
    """Loop variables bound to parameters, each with the module they come from (None: unknown):
    `for p in m.parameters()`, `for n, p in m.named_parameters()`, `zip(a.parameters(), ...)`,
    `for p in group["params"]`."""
    node = loop.node
    if not isinstance(node, cst.For):
        return {}
    iterable, target = node.iter, node.target
    if _is_parameters_call(iterable):
        return _parameter_target(target, iterable)
    if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "zip":
        if (iterable.args and all(_is_parameters_call(arg.value) for arg in iterable.args)
                and isinstance(target, cst.Tuple) and len(target.elements) == len(iterable.args)):
            found: dict[str, Optional[str]] = {}
            for element, arg in zip(target.elements, iterable.args):
                found.update(_parameter_target(element.value, arg.value))
            return found
        return {}
    if (isinstance(iterable, cst.Subscript) and len(iterable.slice) == 1
            and isinstance(iterable.slice[0].slice, cst.Index)
            and isinstance(iterable.slice[0].slice.value, cst.SimpleString)
            and iterable.slice[0].slice.value.evaluated_value == "params"):
        return {name: None for name in loop.target_names}
    return {}


def _parameter_target(target: cst.BaseExpression, iterable: cst.Call) -> dict[str, Optional[str]]:
    module = dotted_name(iterable.func.value)
    if iterable.func.attr.value == "named_parameters":
        if isinstance(target, cst.Tuple) and len(target.elements) == 2 and isinstance(target.elements[1].value, cst.Name):
            return {target.elements[1].value.value: module}
        return {}
    return {target.value: module} if isinstance(target, cst.Name) else {}


def frozen_modules(analysis: FileAnalysis) -> frozenset[str]:
    """Modules whose parameters the file detaches or marks as not requiring grad (EMA copies,
    teachers): `m.requires_grad_(False)`, or `p.detach_()` / `p.requires_grad_(False)` /
    `p.requires_grad = False` in a loop over `m.parameters()`."""
    key = "frozen_modules"
    if key in analysis.cache:
        return analysis.cache[key]
    frozen: set[str] = set()
    for call in analysis.calls:
        if call.method in ("requires_grad_", "detach_") and call.receiver is not None:
            if call.method == "requires_grad_" and not (call.node.args and is_false(call.node.args[0].value)):
                continue
            receiver = dotted_name(call.receiver)
            for loop in call.loops:
                params = _parameter_names(loop)
                if receiver in params and params[receiver]:
                    frozen.add(params[receiver])
            if receiver and not any(receiver in _parameter_names(loop) for loop in call.loops):
                frozen.add(receiver)
    copies: list[tuple[str, str]] = []
    for assign in analysis.assigns:
        node = assign.node
        if not isinstance(node, cst.Assign) or len(node.targets) != 1:
            continue
        target = dotted_name(node.targets[0].target)
        if (is_false(node.value) and isinstance(node.targets[0].target, cst.Attribute)
                and node.targets[0].target.attr.value == "requires_grad"):
            owner = dotted_name(node.targets[0].target.value)
            for loop in assign.loops:
                params = _parameter_names(loop)
                if owner in params and params[owner]:
                    frozen.add(params[owner])
        elif target is not None:
            built, frozen_here = _chain_root(analysis, node.value)
            if frozen_here:  # `G = Net().train().requires_grad_(False).to(device)`
                frozen.add(target)
            elif built is not None:
                copies.append((target, built))
    # `G_ema = copy.deepcopy(G).eval()`: a copy of a frozen module is frozen (by name, as above)
    for target, copied in copies + copies[::-1]:
        if copied in frozen:
            frozen.add(target)
    result = analysis.cache[key] = frozenset(frozen)
    return result


def _chain_root(analysis: FileAnalysis, value: cst.BaseExpression) -> tuple[Optional[str], bool]:
    """Of a chain of method calls (`copy.deepcopy(G).eval().requires_grad_(False)`): the module it
    copies, when it starts with `copy.deepcopy(name)`, and whether the chain freezes what it makes."""
    freezes = False
    while isinstance(value, cst.Call):
        if analysis.imports.resolve(value.func) in ("copy.deepcopy", "copy.copy"):
            copied = value.args[0].value if len(value.args) == 1 and value.args[0].keyword is None else None
            return (dotted_name(copied) if copied is not None else None), freezes
        if not isinstance(value.func, cst.Attribute):
            break
        if value.func.attr.value == "requires_grad_" and value.args and is_false(value.args[0].value):
            freezes = True
        value = value.func.value
    return None, freezes


def _toggled_before(analysis: FileAnalysis, loop: LoopInfo) -> dict[str, bool]:
    """Module -> frozen, as the last call of a freezing helper of the file before the loop, in its
    function, left it (`toggle_grad(model_src, False)`: frozen; `toggle_grad(m, True)`: not)."""
    helpers = _freezing_helpers(analysis)
    toggled: dict[str, bool] = {}
    if not helpers:
        return toggled
    for call in analysis.facts_in(analysis.calls, loop.function):
        known = helpers.get(call.callee) if call.callee is not None else None
        if known is None or call.index >= loop.span.start:
            continue
        module, flag = _argument(call.node, *known[0]), _argument(call.node, *known[1])
        if module is not None and dotted_name(module) and isinstance(flag, cst.Name) and flag.value in ("True", "False"):
            toggled[dotted_name(module)] = flag.value == "False"
    return toggled


def _freezing_helpers(analysis: FileAnalysis) -> dict[str, tuple[tuple[int, str], tuple[int, str]]]:
    """The file's functions that set `requires_grad` of every parameter of a module they are given
    from a flag they are given (`def toggle_grad(model, flag): for p in model.parameters():
    p.requires_grad_(flag)`): name -> ((position, name) of the module, (position, name) of the flag)."""
    key = "freezing_helpers"
    if key in analysis.cache:
        return analysis.cache[key]
    found = analysis.cache[key] = {}
    for loop in analysis.loops:
        function = loop.function
        if function is None or function.class_name is not None:
            continue
        names = [param.name.value for param in function.node.params.params]
        for variable, owner in _parameter_names(loop).items():
            if owner not in names:
                continue
            for inner in iter_nodes(loop.node.body):
                flag = requires_grad_flag(inner, frozenset({variable}))
                if flag.__class__ is cst.Name and flag.value in names:
                    found[function.name] = ((names.index(owner), owner), (names.index(flag.value), flag.value))
    return found


def _argument(call: cst.Call, position: int, name: str) -> Optional[cst.BaseExpression]:
    """The argument a call passes for the parameter at `position` named `name`."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    return positional[position].value if position < len(positional) else None


def _is_parameters_call(node: cst.BaseExpression) -> bool:
    return (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in knowledge.PARAMETER_METHODS)
