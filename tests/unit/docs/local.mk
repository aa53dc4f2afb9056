# SPDX-License-Identifier: MIT
# docs/architecture.md names every source file, and only files that exist.
TESTS += tests/unit/docs/test_architecture.sh
EXTRA_DIST += tests/unit/docs/test_architecture.sh docs/architecture.md
