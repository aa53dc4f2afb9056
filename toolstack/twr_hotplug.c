// SPDX-License-Identifier: MIT
/*
 * Hotplug scripts of twinnet devices (twr_hotplug.h).
 *
 * The script is run with execve and an argument vector, never through a
 * shell, in a process group of its own so that a timeout kills what it
 * started too (ovs-vsctl, ip). The caller waits: an attach is not done
 * until its script has finished, as with xl.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "twinring/xenbus.h"
#include "twr_host.h"
#include "twr_hotplug.h"
#include "twr_spec.h"
#include "twr_xsplan.h"

extern char **environ;

static unsigned int ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned int)((now.tv_sec - t0->tv_sec) * 1000 +
			      (now.tv_nsec - t0->tv_nsec) / 1000000);
}

/* Keep the last bytes of the script's stderr in @tail (NUL-terminated). */
static void tail_add(char *tail, size_t *n, const char *buf, size_t len)
{
	size_t cap = TWR_SCRIPT_TAIL - 1;

	if (len >= cap) {
		memcpy(tail, buf + len - cap, cap);
		*n = cap;
	} else {
		if (*n + len > cap) {
			memmove(tail, tail + (*n + len - cap), cap - len);
			*n = cap - len;
		}
		memcpy(tail + *n, buf, len);
		*n += len;
	}
	tail[*n] = '\0';
}

/* The child: its own process group, stdin and stdout on /dev/null, stderr
 * into @errfd, then the script. Exit 127 (and errno in @excfd) if the exec
 * fails. */
static void __attribute__((noreturn)) script_child(const char *path, char *const argv[],
						   char *const envp[], int errfd, int excfd)
{
	int fd, e;

	setpgid(0, 0);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	dup2(errfd, STDERR_FILENO);
	/* Default dispositions: a daemon's ignored SIGPIPE or SIGCHLD must
	 * not leak into the script. */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	execve(path, argv, envp);
	e = errno;
	if (write(excfd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Does "NAME=value" @a set the variable @b ("NAME=..." too) sets? */
static bool same_name(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");

	return a[n] == '=' && !strncmp(a, b, n + 1);
}

char **twr_script_env(char *const env[], char *const add[])
{
	size_t n = 0, m = 0, i, j, k = 0;
	bool path = false;
	char **envp;

	while (env && env[n])
		n++;
	while (add[m])
		m++;
	envp = calloc(n + m + 2, sizeof(*envp));
	if (!envp)
		return NULL;
	for (i = 0; i < n; i++) {
		for (j = 0; j < m && !same_name(add[j], env[i]); j++)
			;
		if (j == m)
			envp[k++] = env[i];
	}
	for (j = 0; j < m; j++)
		envp[k++] = add[j];
	for (i = 0; i < k; i++)
		path |= !strncmp(envp[i], "PATH=", 5);
	if (!path)
		envp[k++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	envp[k] = NULL;
	return envp;
}

int twr_script_run(const char *path, char *const argv[], char *const envp[],
		   unsigned int timeout_ms, struct twr_script_result *res)
{
	int errp[2], excp[2], status, e = 0, ret;
	struct timespec t0;
	size_t tn = 0;
	bool eof = false, exited = false;
	char buf[256];
	struct pollfd pfd;
	ssize_t n;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	res->status = -1;
	if (pipe2(errp, O_CLOEXEC))
		return -errno;
	if (pipe2(excp, O_CLOEXEC)) {
		ret = -errno;
		goto out_close_err;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto out_close_exc;
	}
	if (pid == 0)
		script_child(path, argv, envp, errp[1], excp[1]);
	/* Both sides set the group: whichever runs first, a kill reaches it. */
	setpgid(pid, pid);
	close(errp[1]);
	errp[1] = -1;
	close(excp[1]);
	excp[1] = -1;

	pfd.fd = errp[0];
	pfd.events = POLLIN;
	while (!exited) {
		unsigned int ms = ms_since(&t0);

		if (ms >= timeout_ms) {
			kill(-pid, SIGKILL);
			res->timed_out = true;
			break;
		}
		/* Poll in short steps: a script may leave a child holding its
		 * stderr open, and its own exit must still be noticed. */
		if (!eof && poll(&pfd, 1, (int)(timeout_ms - ms < 100 ? timeout_ms - ms : 100)) > 0) {
			n = read(errp[0], buf, sizeof(buf));
			if (n > 0)
				tail_add(res->tail, &tn, buf, (size_t)n);
			else if (n == 0)
				eof = true;
		} else if (eof) {
			poll(NULL, 0, 20);
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			exited = true;
	}
	if (!exited)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	/* What the script wrote last, without waiting for its children. */
	fcntl(errp[0], F_SETFL, O_NONBLOCK);
	while ((n = read(errp[0], buf, sizeof(buf))) > 0)
		tail_add(res->tail, &tn, buf, (size_t)n);
	res->ms = ms_since(&t0);
	if (read(excp[0], &e, sizeof(e)) == (ssize_t)sizeof(e) && e) {
		ret = -e;
		goto out_close_exc;
	}
	if (res->timed_out) {
		res->signal = SIGKILL;
		ret = -ETIMEDOUT;
	} else if (WIFEXITED(status)) {
		res->status = WEXITSTATUS(status);
		ret = res->status ? -EIO : 0;
	} else {
		res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
		ret = -EIO;
	}
	/* Whatever it left behind in its group goes with it. */
	kill(-pid, SIGKILL);
out_close_exc:
	close(excp[0]);
	if (excp[1] >= 0)
		close(excp[1]);
out_close_err:
	close(errp[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	return ret;
}

int twr_script_resolve(struct twr_tool *t, const char *dir, const char *script,
		       char *out, size_t len)
{
	struct stat st;
	int n;

	if (!dir)
		dir = TWR_SCRIPTS_DIR;
	if (script[0] == '/')
		n = snprintf(out, len, "%s", script);
	else
		n = snprintf(out, len, "%s/%s", dir, script);
	if (n < 0 || (size_t)n >= len)
		return twr_tool_fail(t, -ENAMETOOLONG, "script=%s: the path is too long", script);
	if (stat(out, &st))
		return twr_tool_fail(t, -errno,
				     "script=%s: %s: %s: give the name of an executable in %s%s or an absolute path",
				     script, out, strerror(errno), dir,
				     script[0] == '/' ? "" : " (scripts_dir in twinringd.conf)");
	if (!S_ISREG(st.st_mode))
		return twr_tool_fail(t, -EINVAL, "script=%s: %s is not a regular file", script,
				     out);
	if (access(out, X_OK))
		return twr_tool_fail(t, -EACCES,
				     "script=%s: %s is not executable: chmod +x it, or pick another script",
				     script, out);
	return 0;
}

/* Read backend node @name of twinnet @domid/@devid; NULL if absent. */
static char *be_read(struct twr_tool *t, uint32_t domid, uint32_t devid, const char *name)
{
	char dir[TWR_XS_PATH_MAX], path[TWR_XS_PATH_MAX + 32];
	unsigned int len;

	twr_xs_backend_dir(dir, sizeof(dir), 0, TWR_DEV_NET, domid, devid);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return xs_read(t->xsh, XBT_NULL, path, &len);
}

bool twr_net_has_script(struct twr_tool *t, uint32_t domid, uint32_t devid,
			char *out, size_t len)
{
	char *v = be_read(t, domid, devid, TWR_XS_NET_SCRIPT);
	bool has = v && v[0];

	if (has && out)
		snprintf(out, len, "%s", v);
	free(v);
	return has;
}

/* "offline <pid>": is that process, not this one, alive (still running
 * the script, or about to remove the device)? */
static bool offline_by_other(const char *v)
{
	long pid;

	if (sscanf(v, "offline %ld", &pid) != 1 || pid <= 0 || pid == (long)getpid())
		return false;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* Claim the online run for netdev @ifindex (true: ours to run), or, for
 * offline, turn an online claim into "offline <pid>" (true: an online run
 * was claimed and no live process is running offline, so it must run; the
 * node goes with the backend directory). One transaction: twinctl and
 * twinringd race for it. */
static int hotplug_claim(struct twr_tool *t, const char *be, bool online, int ifindex,
			 bool *mine)
{
	char path[TWR_XS_PATH_MAX + 32], val[32], *v;
	xs_transaction_t tx;
	unsigned int len;
	int tries;

	snprintf(path, sizeof(path), "%s/%s", be, TWR_XS_NET_SCRIPT_IFINDEX);
	if (online)
		snprintf(val, sizeof(val), "%d", ifindex);
	else
		snprintf(val, sizeof(val), "offline %ld", (long)getpid());
	for (tries = 0; tries < TWR_TX_RETRIES; tries++) {
		tx = xs_transaction_start(t->xsh);
		if (tx == XBT_NULL)
			return -errno;
		v = xs_read(t->xsh, tx, path, &len);
		if (online)
			*mine = !v || atoi(v) != ifindex;
		else
			*mine = v && !offline_by_other(v);
		free(v);
		if (*mine && !xs_write(t->xsh, tx, path, val, (unsigned int)strlen(val))) {
			xs_transaction_end(t->xsh, tx, true);
			return -errno;
		}
		if (xs_transaction_end(t->xsh, tx, false))
			return 0;
		if (errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
}

bool twr_net_hotplug_busy(struct twr_tool *t, uint32_t domid, uint32_t devid)
{
	char *v = be_read(t, domid, devid, TWR_XS_NET_SCRIPT_IFINDEX);
	bool busy = v && offline_by_other(v);

	free(v);
	return busy;
}

/* One line of the script's stderr tail: control bytes out, last lines. */
static void tail_flat(char *out, size_t len, const char *tail)
{
	char tmp[TWR_SCRIPT_TAIL];
	size_t i;

	snprintf(tmp, sizeof(tmp), "%s", tail);
	for (i = strlen(tmp); i > 0 && (tmp[i - 1] == '\n' || tmp[i - 1] == ' '); i--)
		tmp[i - 1] = '\0';
	for (i = 0; tmp[i]; i++)
		if (tmp[i] == '\n')
			tmp[i] = '|';
	twr_printable(out, len, tmp);
}

/* Another process (twinringd) claimed the online run: wait for its end,
 * "<ifindex> ok", or for the device to go (its script failed). */
static int hotplug_wait(struct twr_tool *t, uint32_t domid, uint32_t devid,
			unsigned int timeout_ms)
{
	unsigned int waited;
	char *v, *fe;

	for (waited = 0; waited < timeout_ms + 5000; waited += 100) {
		v = be_read(t, domid, devid, TWR_XS_NET_SCRIPT_IFINDEX);
		fe = be_read(t, domid, devid, TWR_XS_FRONTEND_ID);
		if (v && strstr(v, " ok")) {
			free(v);
			free(fe);
			return 0;
		}
		free(v);
		free(fe);
		if (!fe)
			return twr_tool_fail(t, -EIO,
					     "domain %u twinnet %u: twinringd ran its hotplug script, which failed: the device was removed (its log says why: journalctl -u twinringd)",
					     domid, devid);
		poll(NULL, 0, 100);
	}
	return twr_tool_fail(t, -ETIMEDOUT,
			     "domain %u twinnet %u: twinringd's run of its hotplug script did not end in %u s",
			     domid, devid, timeout_ms / 1000 + 5);
}

int twr_net_hotplug(struct twr_tool *t, uint32_t domid, uint32_t devid, bool online,
		    unsigned int timeout_ms, unsigned int flags, bool *ran)
{
	char be[TWR_XS_PATH_MAX], script[TWR_SPEC_SCRIPT_MAX + 1], ifname[32];
	char e_script[TWR_SPEC_SCRIPT_MAX + 16], e_path[TWR_XS_PATH_MAX + 16];
	char e_vif[48], e_bridge[64], e_type[32], why[200];
	char *argv[4], **envp;
	const char *action = online ? "online" : "offline";
	struct twr_script_result res;
	char *bridge, *herr;
	int ret, idx = 0;
	bool mine = false;

	*ran = false;
	if (!twr_net_has_script(t, domid, devid, script, sizeof(script)))
		return 0;
	twr_xs_backend_dir(be, sizeof(be), 0, TWR_DEV_NET, domid, devid);
	snprintf(ifname, sizeof(ifname), TWR_NET_IFNAME_FMT, domid, devid);
	if (online) {
		idx = twr_net_ifindex(t, domid, devid);
		if (idx < 0)
			return twr_tool_fail(t, -ENOENT, "domain %u twinnet %u: backend netdev %s does not exist: is the twinring netback module loaded?",
					     domid, devid, ifname);
	}
	ret = hotplug_claim(t, be, online, idx, &mine);
	if (ret)
		return twr_tool_fail(t, ret, "domain %u twinnet %u: cannot record the script run in %s: %s",
				     domid, devid, be, strerror(-ret));
	if (!mine)
		return (flags & TWR_HOTPLUG_WAIT) && online ? hotplug_wait(t, domid, devid, timeout_ms) : 0;

	bridge = be_read(t, domid, devid, TWR_XS_NET_BRIDGE);
	/* libxl's environment for a vif's script, over our own. */
	snprintf(e_script, sizeof(e_script), "script=%s", script);
	snprintf(e_type, sizeof(e_type), "XENBUS_TYPE=%s", TWR_XS_KIND_NET);
	snprintf(e_path, sizeof(e_path), "XENBUS_PATH=backend/%s/%u/%u", TWR_XS_KIND_NET,
		 domid, devid);
	snprintf(e_vif, sizeof(e_vif), "vif=%s", ifname);
	snprintf(e_bridge, sizeof(e_bridge), "bridge=%s", bridge ? bridge : "");
	free(bridge);
	{
		char *add[] = { e_script, e_type, e_path, "XENBUS_BASE_PATH=backend", e_vif,
				e_bridge, NULL };

		envp = twr_script_env(environ, add);
		if (!envp)
			return twr_tool_fail(t, -ENOMEM, "out of memory");
	}
	argv[0] = script;
	argv[1] = (char *)action;
	argv[2] = "type_if=vif";
	argv[3] = NULL;
	ret = twr_script_run(script, argv, envp, timeout_ms, &res);
	free(envp);
	*ran = true;
	if (!ret && online) {
		/* For a waiting twinctl: done, and it went well. */
		char path[TWR_XS_PATH_MAX + 32], val[24];

		snprintf(path, sizeof(path), "%s/%s", be, TWR_XS_NET_SCRIPT_IFINDEX);
		snprintf(val, sizeof(val), "%d ok", idx);
		xs_write(t->xsh, XBT_NULL, path, val, (unsigned int)strlen(val));
	}
	if (!ret)
		return 0;

	if (ret == -ETIMEDOUT)
		snprintf(why, sizeof(why), "killed after %u s", timeout_ms / 1000);
	else if (ret == -EIO && res.signal)
		snprintf(why, sizeof(why), "killed by signal %d", res.signal);
	else if (ret == -EIO)
		snprintf(why, sizeof(why), "exit %d", res.status);
	else
		snprintf(why, sizeof(why), "cannot run it: %s", strerror(-ret));
	/* xl's scripts log to a file and say why in hotplug-error. */
	herr = be_read(t, domid, devid, TWR_XS_HOTPLUG_ERROR);
	{
		char tail[TWR_SCRIPT_TAIL], h[200];

		tail_flat(tail, sizeof(tail), herr && herr[0] ? "" : res.tail);
		twr_printable(h, sizeof(h), herr ? herr : "");
		twr_tool_fail(t, ret, "domain %u twinnet %u: hotplug script %s %s for %s failed (%s)%s%s%s%s",
			      domid, devid, script, action, ifname, why,
			      h[0] ? ": hotplug-error: " : "", h,
			      tail[0] ? ": stderr: " : "", tail);
	}
	free(herr);
	return ret;
}
