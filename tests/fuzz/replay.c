// SPDX-License-Identifier: MIT
/*
 * Runs a fuzz target over its committed seed corpus without libFuzzer, so
 * every `make check` (and tests/sanitize.sh) replays the seeds with the
 * normal compiler. Usage: replay-<target> [DIR|FILE ...]; without
 * arguments, the corpus directory compiled in as TWR_FUZZ_CORPUS.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_area.h"

static int replay_file(const char *path)
{
	static uint8_t buf[1 << 20];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* Pass a heap copy of the exact size, as libFuzzer does, so ASan
	 * sees any read past the input. */
	{
		uint8_t *copy = malloc(n ? n : 1);

		if (!copy)
			return -1;
		memcpy(copy, buf, n);
		LLVMFuzzerTestOneInput(copy, n);
		free(copy);
	}
	return 0;
}

static int replay_path(const char *path, unsigned int *count)
{
	struct dirent **ents;
	struct stat st;
	char sub[4096];
	int i, n, ret = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		ret = replay_file(path);
		*count += !ret;
		return ret;
	}
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' && !ret) {
			snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
			ret = replay_path(sub, count);
		}
		free(ents[i]);
	}
	free(ents);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned int count = 0;
	int i;

	if (argc < 2) {
		if (replay_path(TWR_FUZZ_CORPUS, &count))
			return 1;
	}
	for (i = 1; i < argc; i++)
		if (replay_path(argv[i], &count))
			return 1;
	printf("replayed %u inputs\n", count);
	/* An empty corpus means a broken checkout, not a pass. */
	return count ? 0 : 1;
}
