"""``liveshop eval ...``: runs the evaluations in ``evals/`` (the one module allowed to import them).

Each sub-command passes its remaining arguments to the evaluation's own ``main``; ``--help`` after
the sub-command lists them (e.g. ``liveshop eval answers --help``).
"""

from __future__ import annotations

from collections.abc import Callable

import typer

eval_app = typer.Typer(help="Answer-quality, caption and recommendation evaluations.", no_args_is_help=True)
REAL_LANGUAGE_FLAG = "--real-language"
REAL_SPEECH_FLAG = "--real-speech"
PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}


def _run(main: Callable[[list[str]], object], args: list[str]) -> None:
    """Run an evaluation's ``main(argv)``; its integer result (if any) is the exit code."""
    code = main(args)
    raise typer.Exit(code if isinstance(code, int) else 0)


@eval_app.command("answers", context_settings=PASS_THROUGH)
def eval_answers(ctx: typer.Context) -> None:
    """Answer quality on evals/data/answers.jsonl (--out DIR, --gate, --tag, --llm-judge ...).

    ``--real-language [--data PATH]`` runs the real-language yardstick instead: hand-labelled real
    shoppers' lines from the shared development data, scored against the real-language goals.
    """
    args = list(ctx.args)
    if REAL_LANGUAGE_FLAG in args:
        from evals.answers.real_language import main as real_language_main

        args.remove(REAL_LANGUAGE_FLAG)
        _run(real_language_main, args)
    from evals.answers.runner import main

    _run(main, args)


@eval_app.command("recs", context_settings=PASS_THROUGH)
def eval_recs(ctx: typer.Context) -> None:
    """Replay evaluation of recommendations against popularity and on-stage baselines (--seed ...)."""
    from evals.recs import main

    _run(main, ctx.args)


@eval_app.command("captions", context_settings=PASS_THROUGH)
def eval_captions(ctx: typer.Context) -> None:
    """CER, DER, speaker-attributed accuracy and real-time factor on the test audio.

    ``--real-speech [--data DIR]`` runs the real-speech yardstick instead: real Mandarin clips from
    the shared development data, the pipeline beside raw faster-whisper and raw pyannote baselines.
    """
    args = list(ctx.args)
    if REAL_SPEECH_FLAG in args:
        from evals.captions_real import main as real_speech_main

        args.remove(REAL_SPEECH_FLAG)
        _run(real_speech_main, args)
    from evals.captions import main

    _run(main, args)


@eval_app.command("retrieval", context_settings=PASS_THROUGH)
def eval_retrieval(ctx: typer.Context) -> None:
    """Recall@k and MRR of hybrid vs BM25-only vs dense-only retrieval on the labelled set."""
    from evals.retrieval import main

    _run(main, ctx.args)
