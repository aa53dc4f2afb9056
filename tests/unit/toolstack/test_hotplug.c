// SPDX-License-Identifier: MIT
/*
 * CUnit tests of script= (toolstack/twr_hotplug.c) without Xen: where a
 * script name resolves and why one is refused, and the runner with real
 * scripts in a temporary directory -- one that records its arguments and
 * environment, one that fails, one that hangs and is killed with what it
 * started, one that leaves a child holding its stderr; and whose offline
 * claim keeps twinringd off a detach in progress.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../twr_cunit.h"

#include <sys/wait.h>

/* The file itself, for its static helpers (the library's copy is then
 * never pulled in). */
#include "../../../toolstack/twr_hotplug.c"
#include "../../../toolstack/twr_tool.h"

static char g_dir[64];
static struct twr_tool g_tool;

/* Write script @name in the temporary directory with @mode; its path in @out. */
static void script_make(const char *name, const char *text, mode_t mode, char *out, size_t len)
{
	FILE *f;

	snprintf(out, len, "%s/%s", g_dir, name);
	f = fopen(out, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(chmod(out, mode), 0);
}

static char *slurp(const char *path)
{
	static char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int suite_init(void)
{
	snprintf(g_dir, sizeof(g_dir), "/tmp/twr-hotplug-XXXXXX");
	if (!mkdtemp(g_dir))
		return -1;
	memset(&g_tool, 0, sizeof(g_tool));
	g_tool.sysfs = "/sys";
	return 0;
}

static int suite_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_resolve_name_in_dir(void)
{
	char path[256], out[256];

	script_make("vif-test", "#!/bin/sh\nexit 0\n", 0755, path, sizeof(path));
	CU_ASSERT_EQUAL(twr_script_resolve(&g_tool, g_dir, "vif-test", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, path);
}

static void test_resolve_absolute_used_as_is(void)
{
	char path[256], out[256];

	script_make("vif-abs", "#!/bin/sh\nexit 0\n", 0755, path, sizeof(path));
	CU_ASSERT_EQUAL(twr_script_resolve(&g_tool, "/nonexistent", path, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, path);
}

static void test_resolve_missing_is_refused(void)
{
	char out[256];

	CU_ASSERT_EQUAL(twr_script_resolve(&g_tool, g_dir, "vif-nope", out, sizeof(out)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "script=vif-nope: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "No such file or directory"));
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "scripts_dir in twinringd.conf"));
	/* The default directory is xl's. */
	CU_ASSERT_EQUAL(twr_script_resolve(&g_tool, NULL, "vif-nope-at-all", out, sizeof(out)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "/etc/xen/scripts/vif-nope-at-all"));
}

static void test_resolve_not_executable_is_refused(void)
{
	char path[256], out[256];

	script_make("vif-noexec", "#!/bin/sh\nexit 0\n", 0644, path, sizeof(path));
	CU_ASSERT_EQUAL(twr_script_resolve(&g_tool, g_dir, "vif-noexec", out, sizeof(out)), -EACCES);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "is not executable"));
	CU_ASSERT_EQUAL(twr_script_resolve(&g_tool, g_dir, path, out, sizeof(out)), -EACCES);
}

static void test_resolve_directory_is_refused(void)
{
	char out[256];

	CU_ASSERT_EQUAL(twr_script_resolve(&g_tool, "/", "tmp", out, sizeof(out)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(g_tool.err, "/tmp is not a regular file"));
}

/* xl's convention: argv SCRIPT online type_if=vif, the device in the
 * environment; stdin and stdout on /dev/null, stderr kept. */
static void test_run_records_argv_and_env(void)
{
	char path[256], rec[256], text[1024], *got;
	struct twr_script_result res;
	char *argv[] = { path, "online", "type_if=vif", NULL };
	char *envp[] = { "XENBUS_PATH=backend/twinnet/5/0", "XENBUS_TYPE=twinnet", "vif=twr5.0",
			 "bridge=ovsbr0", "PATH=/usr/bin:/bin", NULL };

	snprintf(rec, sizeof(rec), "%s/rec", g_dir);
	snprintf(text, sizeof(text),
		 "#!/bin/sh\n"
		 "echo \"argv $0 $1 $2 $#\" > %s\n"
		 "echo \"env $XENBUS_PATH $XENBUS_TYPE $vif $bridge\" >> %s\n"
		 "read x && echo \"stdin $x\" >> %s\n"
		 "echo to-stdout\n"
		 "echo \"a note\" >&2\n", rec, rec, rec);
	script_make("vif-rec", text, 0755, path, sizeof(path));
	CU_ASSERT_EQUAL(twr_script_run(path, argv, envp, 5000, &res), 0);
	CU_ASSERT_EQUAL(res.status, 0);
	CU_ASSERT_FALSE(res.timed_out);
	got = slurp(rec);
	snprintf(text, sizeof(text), "argv %s online type_if=vif 2\n"
		 "env backend/twinnet/5/0 twinnet twr5.0 ovsbr0\n", path);
	CU_ASSERT_STRING_EQUAL(got, text);
	CU_ASSERT_STRING_EQUAL(res.tail, "a note\n");
}

static void test_run_failure_keeps_status_and_stderr_tail(void)
{
	char path[256], big[3000];
	struct twr_script_result res;
	char *argv[] = { path, "online", NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };

	script_make("vif-fail", "#!/bin/sh\necho starting >&2\necho 'ovs-vsctl: no bridge named ovsbr9' >&2\nexit 3\n",
		    0755, path, sizeof(path));
	CU_ASSERT_EQUAL(twr_script_run(path, argv, envp, 5000, &res), -EIO);
	CU_ASSERT_EQUAL(res.status, 3);
	CU_ASSERT_EQUAL(res.signal, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.tail, "no bridge named ovsbr9"));

	/* Only the end of a long stderr is kept. */
	snprintf(big, sizeof(big), "#!/bin/sh\nhead -c 5000 /dev/zero | tr '\\0' x >&2\necho THE-END >&2\nexit 1\n");
	script_make("vif-long", big, 0755, path, sizeof(path));
	CU_ASSERT_EQUAL(twr_script_run(path, argv, envp, 5000, &res), -EIO);
	CU_ASSERT(strlen(res.tail) < TWR_SCRIPT_TAIL);
	CU_ASSERT(strlen(res.tail) > 100);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.tail, "THE-END\n"));
}

/* Is process @pid gone (or a zombie nobody reaped yet)? */
static bool pid_dead(long pid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && (p[2] == 'Z' || p[2] == 'X');
}

static void test_run_hang_is_killed_with_its_children(void)
{
	char path[256], pidf[256], text[512];
	struct twr_script_result res;
	char *argv[] = { path, "online", NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	long child = 0;
	int i;

	snprintf(pidf, sizeof(pidf), "%s/hang.pid", g_dir);
	snprintf(text, sizeof(text), "#!/bin/sh\nsleep 60 &\necho $! > %s\necho hanging >&2\nsleep 60\n",
		 pidf);
	script_make("vif-hang", text, 0755, path, sizeof(path));
	CU_ASSERT_EQUAL(twr_script_run(path, argv, envp, 500, &res), -ETIMEDOUT);
	CU_ASSERT_TRUE(res.timed_out);
	CU_ASSERT_EQUAL(res.signal, 9);
	CU_ASSERT(res.ms >= 500 && res.ms < 5000);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.tail, "hanging"));
	child = strtol(slurp(pidf), NULL, 10);
	CU_ASSERT_FATAL(child > 0);
	for (i = 0; i < 50 && !pid_dead(child); i++)
		usleep(20000);
	CU_ASSERT_TRUE(pid_dead(child));
}

/* A script that leaves a child holding its stderr is done when it exits. */
static void test_run_ends_with_the_script_not_its_children(void)
{
	char path[256];
	struct twr_script_result res;
	char *argv[] = { path, "offline", NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };

	script_make("vif-bg", "#!/bin/sh\nsleep 30 &\necho done >&2\nexit 0\n", 0755, path,
		    sizeof(path));
	CU_ASSERT_EQUAL(twr_script_run(path, argv, envp, 10000, &res), 0);
	CU_ASSERT(res.ms < 5000);
	CU_ASSERT_STRING_EQUAL(res.tail, "done\n");
}

static void test_run_exec_failure_is_reported(void)
{
	char path[256];
	struct twr_script_result res;
	char *argv[] = { path, "online", NULL };
	char *envp[] = { NULL };

	/* No #! line and no ELF header: execve says ENOEXEC. */
	script_make("vif-noshebang", "echo hi\n", 0755, path, sizeof(path));
	CU_ASSERT_EQUAL(twr_script_run(path, argv, envp, 5000, &res), -ENOEXEC);
	snprintf(path, sizeof(path), "%s/absent", g_dir);
	CU_ASSERT_EQUAL(twr_script_run(path, argv, envp, 5000, &res), -ENOENT);
}

/* The daemon leaves a detach alone only while the process running its
 * offline lives; a killed twinctl's device is finished. */
static void test_offline_claim_names_a_live_process(void)
{
	char v[32];
	pid_t pid;
	int st;

	snprintf(v, sizeof(v), "offline %ld", (long)getpid());
	CU_ASSERT_FALSE(offline_by_other(v));	/* our own: ours to finish */
	CU_ASSERT_TRUE(offline_by_other("offline 1"));
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0)
		_exit(0);
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &st, 0), pid);
	snprintf(v, sizeof(v), "offline %ld", (long)pid);
	CU_ASSERT_FALSE(offline_by_other(v));	/* dead: finish it */
	CU_ASSERT_FALSE(offline_by_other("12"));	/* an online claim */
	CU_ASSERT_FALSE(offline_by_other("12 ok"));
	CU_ASSERT_FALSE(offline_by_other("offline x"));
}

#define T(fn) { #fn, fn }
/* The number of entries of a NULL-terminated @v, and whether it has @s. */
static size_t env_len(char **v)
{
	size_t n = 0;

	while (v[n])
		n++;
	return n;
}

static bool env_has(char **v, const char *s)
{
	for (; *v; v++)
		if (!strcmp(*v, s))
			return true;
	return false;
}

static void test_env_replaces_ours_and_keeps_the_rest(void)
{
	char *env[] = { "HOME=/root", "script=/old", "vif=stale", "PATH=/p", "vifx=keep", NULL };
	char *add[] = { "script=/etc/xen/scripts/vif-bridge", "vif=twr5.0", "bridge=", NULL };
	char **e = twr_script_env(env, add);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	/* Ours replaced (never twice), the rest kept, PATH as it was. */
	CU_ASSERT_EQUAL(env_len(e), 6);
	CU_ASSERT_TRUE(env_has(e, "HOME=/root"));
	CU_ASSERT_TRUE(env_has(e, "PATH=/p"));
	CU_ASSERT_TRUE(env_has(e, "vifx=keep"));
	CU_ASSERT_TRUE(env_has(e, "script=/etc/xen/scripts/vif-bridge"));
	CU_ASSERT_TRUE(env_has(e, "vif=twr5.0"));
	CU_ASSERT_TRUE(env_has(e, "bridge="));
	CU_ASSERT_FALSE(env_has(e, "script=/old"));
	CU_ASSERT_FALSE(env_has(e, "vif=stale"));
	free(e);
}

static void test_env_without_path_gets_one(void)
{
	char *env[] = { "HOME=/root", NULL };
	char *add[] = { "vif=twr5.0", NULL };
	char **e = twr_script_env(env, add);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(env_len(e), 3);
	CU_ASSERT_TRUE(env_has(e, "PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
	free(e);
	e = twr_script_env(NULL, add);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(env_len(e), 2);
	CU_ASSERT_TRUE(env_has(e, "vif=twr5.0"));
	free(e);
}

static const struct twr_cunit_test tests[] = {
	T(test_env_replaces_ours_and_keeps_the_rest),
	T(test_env_without_path_gets_one),
	T(test_resolve_name_in_dir),
	T(test_resolve_absolute_used_as_is),
	T(test_resolve_missing_is_refused),
	T(test_resolve_not_executable_is_refused),
	T(test_resolve_directory_is_refused),
	T(test_run_records_argv_and_env),
	T(test_run_failure_keeps_status_and_stderr_tail),
	T(test_run_hang_is_killed_with_its_children),
	T(test_run_ends_with_the_script_not_its_children),
	T(test_run_exec_failure_is_reported),
	T(test_offline_claim_names_a_live_process),
};

int main(void)
{
	return twr_cunit_run("toolstack_hotplug", suite_init, suite_cleanup, tests,
			     sizeof(tests) / sizeof(tests[0]));
}
