"""Answer-quality eval of the danmaku assistant on the demo catalog (``liveshop eval answers``).

``runner.run_answer_eval(system, cases)`` runs ``evals/data/answers.jsonl`` (``dataset.load_cases``)
through an ``AnswerSystem`` (``system.PipelineSystem`` is the real pipeline) and returns an
``EvalReport``; ``runner.main(argv)`` is the command line (``python -m evals.answers``);
``thresholds.THRESHOLDS`` is the CI gate. Submodules are imported where used, so importing this
package stays light.
"""
