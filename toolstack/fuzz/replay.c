// SPDX-License-Identifier: MIT
/*
 * Replay a seed corpus through a libFuzzer target without libFuzzer, so that
 * every make check runs the committed inputs (and the crashes they once
 * found) with the normal compiler. A target that aborts fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(void)
{
	static const char dir[] = TWR_FUZZ_CORPUS;
	unsigned int n = 0;
	struct dirent *de;
	char path[4096];
	uint8_t *buf;
	size_t len;
	FILE *f;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		perror(dir);
		return 1;
	}
	buf = malloc(1u << 20);
	if (!buf)
		return 1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f) {
			perror(path);
			return 1;
		}
		len = fread(buf, 1, 1u << 20, f);
		fclose(f);
		printf("%s (%zu bytes)\n", de->d_name, len);
		LLVMFuzzerTestOneInput(buf, len);
		n++;
	}
	closedir(d);
	free(buf);
	printf("%u inputs replayed from %s\n", n, dir);
	return n ? 0 : 1;
}
