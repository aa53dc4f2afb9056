/* SPDX-License-Identifier: MIT */
/*
 * A fake sysfs (or any) tree under a temporary directory, for the toolstack
 * tests that read one (test_host, test_modver).
 */
#ifndef TWINRING_TESTS_FAKE_TREE_H
#define TWINRING_TESTS_FAKE_TREE_H

/* Create @rel (and its parents) under @root as a directory, or as a file
 * with @text if @text is not NULL. A file that cannot be created fails the
 * current test (CUnit, fatal). */
void fake_tree_mk(const char *root, const char *rel, const char *text);

#endif /* TWINRING_TESTS_FAKE_TREE_H */
