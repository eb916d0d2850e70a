"""``python -m trainer.cli``, as ``python -m trainer``."""

from trainer.cli.entry import main

raise SystemExit(main())
