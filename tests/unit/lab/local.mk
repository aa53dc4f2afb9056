# SPDX-License-Identifier: MIT
# The lab's report renderer (lab/lib/report.py) on synthetic results.
TESTS += tests/unit/lab/test_report.sh
EXTRA_DIST += tests/unit/lab/test_report.sh lab/lib/report.py
