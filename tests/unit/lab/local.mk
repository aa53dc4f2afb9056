# SPDX-License-Identifier: MIT
# The lab's statistics (lab/lib/results.py) and report renderer
# (lab/lib/report.py) on synthetic results; the docs' tables against the
# committed results they quote (lab/lib/doctables.py).
TESTS += tests/unit/lab/test_results.sh
TESTS += tests/unit/lab/test_report.sh
TESTS += tests/unit/lab/test_doctables.sh
EXTRA_DIST += tests/unit/lab/test_report.sh tests/unit/lab/test_results.sh \
	tests/unit/lab/test_doctables.sh lab/lib/doctables.py \
	lab/lib/report.py lab/lib/results.py

