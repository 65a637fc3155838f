/*
 * Copyright (c) 2026 The gatewayd authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * sandbox-probe: puts the worker's seccomp filter on itself, then makes
 * one kind of system call, so that regress/e2e/t_sandbox_probe.sh can
 * see what the filter allows, what it refuses with an errno and what it
 * kills.  Before the filter it holds what a worker holds: a connected
 * SOCK_SEQPACKET pair and an O_APPEND file at SANDBOX_LOG_FD.
 *
 *   sandbox-probe [-n] MODE   run MODE; -n leaves the filter off
 *   sandbox-probe -l          list the modes: "KIND MODE [ERRNO]"
 *   sandbox-probe name        print sandbox_name()
 *
 * Kinds and what they print and exit with:
 *
 *   allowed  every worker-like operation in turn; 0, or 1 and the
 *            step that failed
 *   kill     the forbidden call; "survived MODE" and 0 if it returned
 *   errno    a call to refuse; "denied MODE: ERRNO" and 0 when refused
 *            as expected, 3 if it succeeded, 4 if it failed otherwise
 *   abort    abort(); the process should die of SIGABRT
 *
 * A mode this architecture cannot express exits 77.  Calls go through
 * syscall(2) where glibc would substitute or add calls of its own.
 */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "worker/sandbox.h"

#define EXIT_STEP	 1
#define EXIT_USAGE	 2
#define EXIT_SUCCEEDED	 3
#define EXIT_OTHER_ERRNO 4
#define EXIT_UNSUPPORTED 77

/* Returned by a mode this architecture cannot express. */
#define PROBE_UNSUPPORTED (-2)

/* A path that does not exist, for calls that must not do anything. */
#define NOWHERE "/nonexistent/gatewayd-sandbox-probe"

enum probe_kind {
	PK_ALLOWED,
	PK_KILL,
	PK_ERRNO,
	PK_ABORT,
};

struct probe {
	const char *p_name;
	enum probe_kind p_kind;
	int p_errno; /* PK_ERRNO: the errno to expect */
	long (*p_call)(void);
	void (*p_setup)(void); /* before the filter, if set */
};

static int sv[2];	  /* a connected SOCK_SEQPACKET pair */
static int readfd = -1;	  /* the log file, for reading back */
static pid_t victim = -1; /* a child to aim signals at */

static const char *kind_name(enum probe_kind);
static const char *errno_name(int);
static void setup(void);
static void setup_victim(void);
static void step(int, const char *);
static long run_allowed(void);
static void usage(void) __attribute__((noreturn));

/* Forbidden calls.  Each returns what the call returned. */

static long
call_socket(void)
{
	return socket(AF_UNIX, SOCK_STREAM, 0);
}

static long
call_socketpair(void)
{
	int fds[2];

	return socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
}

static struct sockaddr_un *
nowhere_addr(void)
{
	static struct sockaddr_un sun;

	sun.sun_family = AF_UNIX;
	strncpy(sun.sun_path, NOWHERE, sizeof(sun.sun_path) - 1);
	return &sun;
}

static long
call_connect(void)
{
	return connect(sv[0], (struct sockaddr *)nowhere_addr(),
	    sizeof(struct sockaddr_un));
}

static long
call_bind(void)
{
	return bind(sv[0], (struct sockaddr *)nowhere_addr(),
	    sizeof(struct sockaddr_un));
}

static long
call_listen(void)
{
	return listen(sv[0], 1);
}

static long
call_accept(void)
{
	return syscall(SYS_accept, sv[0], NULL, NULL);
}

static long
call_sendto_addr(void)
{
	return sendto(sv[0], "x", 1, 0, (struct sockaddr *)nowhere_addr(),
	    sizeof(struct sockaddr_un));
}

static long
call_setsockopt(void)
{
	int n = 65536;

	return setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &n, sizeof(n));
}

static long
call_getsockopt(void)
{
	socklen_t len;
	int n;

	len = sizeof(n);
	return getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &n, &len);
}

static long
call_open_write(void)
{
#ifdef SYS_open
	return syscall(SYS_open, NOWHERE, O_WRONLY | O_CREAT, 0600);
#else
	return PROBE_UNSUPPORTED;
#endif
}

static long
call_openat_write(void)
{
	return syscall(SYS_openat, AT_FDCWD, NOWHERE, O_WRONLY | O_CREAT, 0600);
}

static long
call_openat_trunc(void)
{
	return syscall(SYS_openat, AT_FDCWD, NOWHERE, O_RDONLY | O_TRUNC);
}

static long
call_creat(void)
{
#ifdef SYS_creat
	return syscall(SYS_creat, NOWHERE, 0600);
#else
	return PROBE_UNSUPPORTED;
#endif
}

static long
call_unlink(void)
{
#ifdef SYS_unlink
	return syscall(SYS_unlink, NOWHERE);
#else
	return PROBE_UNSUPPORTED;
#endif
}

static long
call_stat_path(void)
{
	struct stat st;

	return syscall(SYS_newfstatat, AT_FDCWD, "/", &st, 0);
}

/* The child of a fork that got through leaves at once. */
static long
after_fork(long pid)
{
	if (pid == 0)
		_exit(0);
	return pid;
}

static long
call_fork(void)
{
#ifdef SYS_fork
	return after_fork(syscall(SYS_fork));
#else
	return PROBE_UNSUPPORTED;
#endif
}

static long
call_clone(void)
{
	return after_fork(syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0));
}

static long
call_clone3(void)
{
	return syscall(SYS_clone3, NULL, 0);
}

static long
call_execve(void)
{
	char *const argv[] = {NOWHERE, NULL};

	return syscall(SYS_execve, NOWHERE, argv, environ);
}

static long
call_execveat(void)
{
	char *const argv[] = {NOWHERE, NULL};

	return syscall(SYS_execveat, AT_FDCWD, NOWHERE, argv, environ, 0);
}

static long
call_ftruncate(void)
{
	return ftruncate(SANDBOX_LOG_FD, 0);
}

static long
call_truncate(void)
{
	return syscall(SYS_truncate, NOWHERE, 0);
}

static long
call_lseek(void)
{
	return lseek(SANDBOX_LOG_FD, 0, SEEK_SET);
}

static long
call_pwrite(void)
{
	return pwrite(SANDBOX_LOG_FD, "x", 1, 0);
}

static long
call_fallocate(void)
{
	return fallocate(
	    SANDBOX_LOG_FD, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 1);
}

static long
call_fchmod(void)
{
	return fchmod(SANDBOX_LOG_FD, 0600);
}

static long
call_sendfile(void)
{
	return sendfile(sv[0], readfd, NULL, 1);
}

/* Clearing O_APPEND on the log. */
static long
call_setfl_log(void)
{
	return fcntl(SANDBOX_LOG_FD, F_SETFL, 0);
}

/* The same, with bits above 32 that the kernel drops from the fd. */
static long
call_setfl_log_high(void)
{
	return syscall(SYS_fcntl, (1UL << 32) | SANDBOX_LOG_FD, F_SETFL, 0);
}

static long
call_dupfd(void)
{
	return fcntl(STDOUT_FILENO, F_DUPFD, 20);
}

static long
call_dup(void)
{
	return dup(STDOUT_FILENO);
}

static long
call_tiocsti(void)
{
	char c = 'x';

	return ioctl(sv[0], TIOCSTI, &c);
}

static long
call_mmap_exec(void)
{
	void *p;

	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	return p == MAP_FAILED ? -1 : 0;
}

static long
call_mprotect_exec(void)
{
	void *p;

	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		fatal("mmap");
	return mprotect(p, 4096, PROT_READ | PROT_EXEC);
}

static long
call_pkey_mprotect(void)
{
	void *p;

	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		fatal("mmap");
	return syscall(SYS_pkey_mprotect, p, 4096, PROT_READ, -1);
}

static long
call_memfd(void)
{
	return syscall(SYS_memfd_create, "sandbox-probe", 0);
}

static long
call_ptrace(void)
{
	return syscall(SYS_ptrace, PTRACE_PEEKDATA, getppid(), NULL, NULL);
}

static long
call_process_vm_writev(void)
{
	return syscall(SYS_process_vm_writev, getppid(), NULL, 0, NULL, 0, 0);
}

static long
call_kill(void)
{
	return syscall(SYS_kill, getpid(), 0);
}

/* tgkill is allowed for abort(): to ourselves, with SIGABRT, only. */
static long
call_tgkill_signal(void)
{
	return syscall(SYS_tgkill, getpid(), gettid(), 0);
}

static long
call_tgkill_other(void)
{
	return syscall(SYS_tgkill, victim, victim, SIGABRT);
}

static long
call_setuid(void)
{
	return syscall(SYS_setuid, 0);
}

static long
call_setgid(void)
{
	return syscall(SYS_setgid, 0);
}

static long
call_setgroups(void)
{
	return syscall(SYS_setgroups, 0, NULL);
}

static long
call_capset(void)
{
	return syscall(SYS_capset, NULL, NULL);
}

static long
call_prctl(void)
{
	return syscall(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0);
}

static long
call_seccomp(void)
{
	return syscall(SYS_seccomp, 0xff, 0, NULL);
}

static long
call_chroot(void)
{
	return syscall(SYS_chroot, NOWHERE);
}

static long
call_chdir(void)
{
	return syscall(SYS_chdir, NOWHERE);
}

static long
call_mount(void)
{
	return syscall(SYS_mount, NULL, NULL, NULL, 0, NULL);
}

static long
call_umount(void)
{
	return syscall(SYS_umount2, NOWHERE, 0);
}

static long
call_unshare(void)
{
	return syscall(SYS_unshare, 0);
}

static long
call_io_uring(void)
{
	return syscall(SYS_io_uring_setup, 0, NULL);
}

static long
call_bpf(void)
{
	return syscall(SYS_bpf, -1, NULL, 0);
}

static long
call_perf_event_open(void)
{
	return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
}

static long
call_userfaultfd(void)
{
	return syscall(SYS_userfaultfd, 0);
}

static long
call_personality(void)
{
	return syscall(SYS_personality, 0xffffffffUL);
}

/* getpid through the x32 ABI: not an x86_64 call, whatever its number. */
static long
call_x32(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return syscall(0x40000000L | SYS_getpid);
#else
	return PROBE_UNSUPPORTED;
#endif
}

/* getpid through the i386 ABI. */
static long
call_i386(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	long rv;

	__asm__ volatile("int $0x80" : "=a"(rv) : "a"(20L) : "memory");
	return rv;
#else
	return PROBE_UNSUPPORTED;
#endif
}

/* Calls to refuse with an errno. */

static long
call_open(void)
{
#ifdef SYS_open
	return syscall(SYS_open, "/etc/passwd", O_RDONLY);
#else
	return PROBE_UNSUPPORTED;
#endif
}

static long
call_openat(void)
{
	return syscall(
	    SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY | O_CLOEXEC);
}

static long
call_fopen(void)
{
	FILE *fp;

	if ((fp = fopen("/etc/passwd", "r")) == NULL)
		return -1;
	fclose(fp);
	return 0;
}

static long
call_tcgets(void)
{
	unsigned char t[256]; /* room for any struct termios */

	return ioctl(sv[0], TCGETS, t);
}

static long
call_abort(void)
{
	abort();
}

static const struct probe probes[] = {
    {"allowed", PK_ALLOWED, 0, run_allowed, NULL},

    /* Files, and the log's append-only promise. */
    {"open-write", PK_KILL, 0, call_open_write, NULL},
    {"openat-write", PK_KILL, 0, call_openat_write, NULL},
    {"openat-trunc", PK_KILL, 0, call_openat_trunc, NULL},
    {"creat", PK_KILL, 0, call_creat, NULL},
    {"unlink", PK_KILL, 0, call_unlink, NULL},
    {"stat-path", PK_KILL, 0, call_stat_path, NULL},
    {"truncate", PK_KILL, 0, call_truncate, NULL},
    {"ftruncate", PK_KILL, 0, call_ftruncate, NULL},
    {"lseek", PK_KILL, 0, call_lseek, NULL},
    {"pwrite", PK_KILL, 0, call_pwrite, NULL},
    {"fallocate", PK_KILL, 0, call_fallocate, NULL},
    {"fchmod", PK_KILL, 0, call_fchmod, NULL},
    {"sendfile", PK_KILL, 0, call_sendfile, NULL},
    {"fcntl-setfl-log", PK_KILL, 0, call_setfl_log, NULL},
    {"fcntl-setfl-log-high", PK_KILL, 0, call_setfl_log_high, NULL},
    {"fcntl-dupfd", PK_KILL, 0, call_dupfd, NULL},
    {"dup", PK_KILL, 0, call_dup, NULL},
    {"ioctl-tiocsti", PK_KILL, 0, call_tiocsti, NULL},

    /* The network. */
    {"socket", PK_KILL, 0, call_socket, NULL},
    {"socketpair", PK_KILL, 0, call_socketpair, NULL},
    {"connect", PK_KILL, 0, call_connect, NULL},
    {"bind", PK_KILL, 0, call_bind, NULL},
    {"listen", PK_KILL, 0, call_listen, NULL},
    {"accept", PK_KILL, 0, call_accept, NULL},
    {"sendto-addr", PK_KILL, 0, call_sendto_addr, NULL},
    {"setsockopt", PK_KILL, 0, call_setsockopt, NULL},
    {"getsockopt", PK_KILL, 0, call_getsockopt, NULL},

    /* Processes. */
    {"fork", PK_KILL, 0, call_fork, NULL},
    {"clone", PK_KILL, 0, call_clone, NULL},
    {"clone3", PK_KILL, 0, call_clone3, NULL},
    {"execve", PK_KILL, 0, call_execve, NULL},
    {"execveat", PK_KILL, 0, call_execveat, NULL},
    {"ptrace", PK_KILL, 0, call_ptrace, NULL},
    {"process-vm-writev", PK_KILL, 0, call_process_vm_writev, NULL},
    {"kill", PK_KILL, 0, call_kill, NULL},
    {"tgkill-signal", PK_KILL, 0, call_tgkill_signal, NULL},
    {"tgkill-other", PK_KILL, 0, call_tgkill_other, setup_victim},

    /* Memory. */
    {"mmap-exec", PK_KILL, 0, call_mmap_exec, NULL},
    {"mprotect-exec", PK_KILL, 0, call_mprotect_exec, NULL},
    {"pkey-mprotect", PK_KILL, 0, call_pkey_mprotect, NULL},
    {"memfd-create", PK_KILL, 0, call_memfd, NULL},

    /* Privileges, name spaces and the kernel's larger interfaces. */
    {"setuid", PK_KILL, 0, call_setuid, NULL},
    {"setgid", PK_KILL, 0, call_setgid, NULL},
    {"setgroups", PK_KILL, 0, call_setgroups, NULL},
    {"capset", PK_KILL, 0, call_capset, NULL},
    {"prctl", PK_KILL, 0, call_prctl, NULL},
    {"seccomp", PK_KILL, 0, call_seccomp, NULL},
    {"chroot", PK_KILL, 0, call_chroot, NULL},
    {"chdir", PK_KILL, 0, call_chdir, NULL},
    {"mount", PK_KILL, 0, call_mount, NULL},
    {"umount", PK_KILL, 0, call_umount, NULL},
    {"unshare", PK_KILL, 0, call_unshare, NULL},
    {"io-uring-setup", PK_KILL, 0, call_io_uring, NULL},
    {"bpf", PK_KILL, 0, call_bpf, NULL},
    {"perf-event-open", PK_KILL, 0, call_perf_event_open, NULL},
    {"userfaultfd", PK_KILL, 0, call_userfaultfd, NULL},
    {"personality", PK_KILL, 0, call_personality, NULL},

    /* Other ABIs. */
    {"x32", PK_KILL, 0, call_x32, NULL},
    {"i386", PK_KILL, 0, call_i386, NULL},

    /* Refused, not fatal. */
    {"open", PK_ERRNO, EACCES, call_open, NULL},
    {"openat", PK_ERRNO, EACCES, call_openat, NULL},
    {"fopen", PK_ERRNO, EACCES, call_fopen, NULL},
    {"tcgets", PK_ERRNO, ENOTTY, call_tcgets, NULL},

    {"abort", PK_ABORT, 0, call_abort, NULL},
};

static const char *
kind_name(enum probe_kind kind)
{
	switch (kind) {
	case PK_ALLOWED:
		return "allowed";
	case PK_KILL:
		return "kill";
	case PK_ERRNO:
		return "errno";
	case PK_ABORT:
		return "abort";
	}
	return "?";
}

static const char *
errno_name(int e)
{
	static char buf[32];
	const char *name;

	if ((name = strerrorname_np(e)) != NULL)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/*
 * What every mode starts from, built before the filter: a socket pair
 * like the broker channel, and a log at SANDBOX_LOG_FD opened O_APPEND
 * as the parent opens it, with a second descriptor to read it back.
 */
static void
setup(void)
{
	char path[4096];
	const char *dir;
	struct rlimit rl = {0, 0};
	int fd, logfd;

	/* A killed probe must not leave core files in the tree. */
	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		fatal("setrlimit RLIMIT_CORE");

	if ((dir = getenv("TMPDIR")) == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/sandbox-probe.XXXXXX",
		dir) >= sizeof(path))
		fatalx("TMPDIR too long");
	if ((fd = mkstemp(path)) == -1)
		fatal("mkstemp %s", path);
	if ((readfd = fcntl(fd, F_DUPFD_CLOEXEC, 10)) == -1)
		fatal("F_DUPFD_CLOEXEC");
	close(fd);

	if ((logfd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) == -1)
		fatal("open %s", path);
	if (unlink(path) == -1)
		fatal("unlink %s", path);
	if (logfd != SANDBOX_LOG_FD) {
		if (dup2(logfd, SANDBOX_LOG_FD) == -1)
			fatal("dup2");
		close(logfd);
	}

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("socketpair");
}

/*
 * A child to aim tgkill at.  It leaves when its pipe reports that we
 * are gone, so a killed probe leaves nothing running.
 */
static void
setup_victim(void)
{
	int p[2];
	char c;

	if (pipe(p) == -1)
		fatal("pipe");
	if ((victim = fork()) == -1)
		fatal("fork");
	if (victim == 0) {
		close(p[1]);
		while (read(p[0], &c, 1) == -1 && errno == EINTR)
			;
		_exit(0);
	}
	close(p[0]);
}

static void
step(int ok, const char *what)
{
	if (!ok) {
		printf("allowed: %s failed: %s\n", what, strerror(errno));
		exit(EXIT_STEP);
	}
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Pass a descriptor over the pair, as the broker passes the backend. */
static void
allowed_fd_passing(void)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct cmsghdr *cmsg;
	struct msghdr msg;
	struct iovec iov;
	char byte = 'f';
	int fd, flags;

	memset(&msg, 0, sizeof(msg));
	memset(&cm, 0, sizeof(cm));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &readfd, sizeof(int));
	step(sendmsg(sv[0], &msg, 0) == 1, "sendmsg with SCM_RIGHTS");

	memset(&cm, 0, sizeof(cm));
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	byte = 0;
	step(recvmsg(sv[1], &msg, MSG_CMSG_CLOEXEC) == 1 && byte == 'f',
	    "recvmsg");
	cmsg = CMSG_FIRSTHDR(&msg);
	errno = EPROTO;
	step(cmsg != NULL && cmsg->cmsg_type == SCM_RIGHTS,
	    "receiving a descriptor");
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));

	/* What libevent does to a descriptor it is handed. */
	step((flags = fcntl(fd, F_GETFL)) != -1, "F_GETFL");
	step(fcntl(fd, F_SETFL, flags | O_NONBLOCK) != -1, "F_SETFL");
	step((flags = fcntl(fd, F_GETFD)) != -1, "F_GETFD");
	step(fcntl(fd, F_SETFD, flags | FD_CLOEXEC) != -1, "F_SETFD");
	step(close(fd) == 0, "close");
}

static void
allowed_events(void)
{
	struct epoll_event ev;
	struct pollfd pfd;
	char buf[16];
	int ep, p[2], n;

	step(send(sv[0], "ping", 4, 0) == 4, "send");
	step(ioctl(sv[1], FIONREAD, &n) == 0 && n == 4, "ioctl FIONREAD");

	step((ep = epoll_create1(EPOLL_CLOEXEC)) != -1, "epoll_create1");
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = sv[1];
	step(epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev) == 0, "epoll_ctl");
	step(epoll_wait(ep, &ev, 1, 1000) == 1, "epoll_wait");
	step(epoll_ctl(ep, EPOLL_CTL_DEL, sv[1], &ev) == 0, "epoll_ctl DEL");
	step(close(ep) == 0, "close epoll");

	pfd.fd = sv[1];
	pfd.events = POLLIN;
	step(poll(&pfd, 1, 1000) == 1, "poll");
	step(recv(sv[1], buf, sizeof(buf), 0) == 4, "recv");

	step(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0, "pipe2");
	close(p[0]);
	close(p[1]);

	step(shutdown(sv[1], SHUT_WR) == 0, "shutdown");
}

static void
allowed_memory(void)
{
	size_t big = 64 << 20, i;
	unsigned char *p, *q;
	void *m;
	int *a;

	/* Large enough for malloc to mmap it, then mremap it. */
	step((p = malloc(big)) != NULL, "malloc");
	for (i = 0; i < big; i += 4096)
		p[i] = 0xa5;
	step((q = realloc(p, 2 * big)) != NULL, "realloc");
	errno = EIO;
	step(q[big - 4096] == 0xa5, "realloc keeping the contents");
	free(q);

	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	step(m != MAP_FAILED, "mmap");
	step(mprotect(m, 4096, PROT_READ) == 0, "mprotect");
	step(madvise(m, 8192, MADV_DONTNEED) == 0, "madvise");
	step(munmap(m, 8192) == 0, "munmap");

	/* qsort asks the kernel how much memory there is. */
	step((a = calloc(4096, sizeof(*a))) != NULL, "calloc");
	for (i = 0; i < 4096; i++)
		a[i] = (int)((i * 2654435761U) % 4096);
	qsort(a, 4096, sizeof(*a), cmp_int);
	errno = EIO;
	step(a[0] <= a[1] && a[4094] <= a[4095], "qsort");
	free(a);
}

static void
allowed_time(void)
{
	struct timespec ts = {0, 1000000};
	struct timeval tv;

	step(clock_gettime(CLOCK_MONOTONIC, &ts) == 0, "clock_gettime");
	step(syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts) == 0,
	    "clock_gettime system call");
	step(gettimeofday(&tv, NULL) == 0, "gettimeofday");
	step(time(NULL) != (time_t)-1, "time");
	ts.tv_sec = 0;
	ts.tv_nsec = 1000000;
	step(nanosleep(&ts, NULL) == 0, "nanosleep");
	step(sched_yield() == 0, "sched_yield");
}

/* Append to the log as the worker does, and read what arrived. */
static void
allowed_log(void)
{
	static const char one[] = "{\"record\":1}\n",
			  two[] = "{\"record\":2}\n";
	char buf[64];
	struct stat st;
	ssize_t n;

	step(write(SANDBOX_LOG_FD, one, sizeof(one) - 1) ==
		(ssize_t)sizeof(one) - 1,
	    "log append");
	step(write(SANDBOX_LOG_FD, two, sizeof(two) - 1) ==
		(ssize_t)sizeof(two) - 1,
	    "log append");
	step(fstat(SANDBOX_LOG_FD, &st) == 0, "fstat");
	n = read(readfd, buf, sizeof(buf));
	errno = EIO;
	step(n == (ssize_t)(sizeof(one) + sizeof(two) - 2) &&
		memcmp(buf, one, sizeof(one) - 1) == 0 &&
		memcmp(buf + sizeof(one) - 1, two, sizeof(two) - 1) == 0,
	    "reading the log back");
}

static long
run_allowed(void)
{
	unsigned char rnd[32];
	sigset_t set;

	printf("allowed: stdout\n");
	step(fflush(stdout) == 0, "stdout");
	step(write(STDOUT_FILENO, "allowed: write\n", 15) == 15, "write");
	isatty(STDOUT_FILENO);
	log_info("allowed: log line");

	allowed_memory();
	allowed_time();
	step(getrandom(rnd, sizeof(rnd), 0) == (ssize_t)sizeof(rnd),
	    "getrandom");
	allowed_fd_passing();
	allowed_events();
	allowed_log();

	step(getpid() > 0 && gettid() > 0, "getpid");
	step(prctl(PR_SET_NAME, "probe: allowed", 0, 0, 0) == 0, "PR_SET_NAME");
	(void)getuid();
	(void)geteuid();
	step(signal(SIGPIPE, SIG_IGN) != SIG_ERR, "sigaction");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	step(sigprocmask(SIG_BLOCK, &set, NULL) == 0, "sigprocmask");

	printf("allowed: all steps passed\n");
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: sandbox-probe [-n] mode | -l | name\n");
	exit(EXIT_USAGE);
}

int
main(int argc, char *argv[])
{
	const struct probe *p = NULL;
	size_t i;
	int nofilter = 0, ch, saved;
	long rv;

	log_init(1, LOG_LEVEL_DEBUG, "sandbox-probe");
	while ((ch = getopt(argc, argv, "ln")) != -1) {
		switch (ch) {
		case 'l':
			for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
				printf("%s %s%s%s\n",
				    kind_name(probes[i].p_kind),
				    probes[i].p_name,
				    probes[i].p_kind == PK_ERRNO ? " " : "",
				    probes[i].p_kind == PK_ERRNO
					? errno_name(probes[i].p_errno)
					: "");
			return 0;
		case 'n':
			nofilter = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();

	if (strcmp(argv[0], "name") == 0) {
		printf("%s\n", sandbox_name());
		return 0;
	}
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (strcmp(argv[0], probes[i].p_name) == 0)
			p = &probes[i];
	if (p == NULL)
		usage();

	setup();
	if (p->p_setup != NULL)
		p->p_setup();
	if (!nofilter) {
		/* What sandbox_demote() does last; the probe stays root. */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
			fatal("PR_SET_NO_NEW_PRIVS");
		sandbox_filter();
	}

	/* Proof that the process got this far under the filter. */
	printf("calling %s\n", p->p_name);
	fflush(stdout);

	errno = 0;
	rv = p->p_call();
	saved = errno;
	if (rv == PROBE_UNSUPPORTED) {
		printf("unsupported %s\n", p->p_name);
		return EXIT_UNSUPPORTED;
	}

	switch (p->p_kind) {
	case PK_ALLOWED:
	case PK_ABORT:
		break;
	case PK_KILL:
		printf("survived %s (returned %ld%s%s)\n", p->p_name, rv,
		    rv == -1 ? ", " : "", rv == -1 ? errno_name(saved) : "");
		break;
	case PK_ERRNO:
		if (rv != -1) {
			printf("%s succeeded\n", p->p_name);
			return EXIT_SUCCEEDED;
		}
		if (saved != p->p_errno) {
			printf("%s failed with %s, not %s\n", p->p_name,
			    errno_name(saved), errno_name(p->p_errno));
			return EXIT_OTHER_ERRNO;
		}
		printf("denied %s: %s\n", p->p_name, errno_name(saved));
		break;
	}
	return 0;
}
