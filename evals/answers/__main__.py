"""``python -m evals.answers``: the answer-quality eval's command line (see ``runner``)."""

from evals.answers.runner import main

raise SystemExit(main())
