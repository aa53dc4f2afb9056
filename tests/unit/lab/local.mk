# SPDX-License-Identifier: MIT
# The lab's statistics (lab/lib/results.py) and report renderer
# (lab/lib/report.py) on synthetic results.
TESTS += tests/unit/lab/test_results.sh
TESTS += tests/unit/lab/test_report.sh
EXTRA_DIST += tests/unit/lab/test_report.sh tests/unit/lab/test_results.sh \
	lab/lib/report.py lab/lib/results.py
