/*
 * msggen: workload generator for msgtop tests and benchmarks.
 *
 * Makes an exact, stated number of message syscalls (sendmsg, recvmsg,
 * sendto, recvfrom, sendmmsg, recvmmsg, msgsnd, msgrcv, and io_uring
 * IORING_OP_SEND/IORING_OP_RECV through raw io_uring_enter) and reports what
 * it did as one JSON line per worker process.  See README.md next to this file.
 *
 * Build: cc -O2 -Wall -Wextra -o test/workload/msggen test/workload/msggen.c -lpthread
 *
 * The only message syscalls this program makes are the counted ones: setup
 * uses socket/socketpair/bind/connect/listen/accept/msgget/setsockopt/
 * io_uring_setup/mmap, and all console I/O uses plain read(2)/write(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 1024
#define MAX_PROCS 1024
#define MAX_VLEN 1024           /* UIO_MAXIOV: the kernel caps vlen here */
#define MAX_SIZE (1 << 20)      /* unix / tcp payload limit */
#define MAX_UDP_SIZE 65507      /* IPv4 UDP payload limit */
#define EMSGSIZE_LEN 70000      /* > 65507: UDP sendmsg fails with EMSGSIZE */
#define IO_TIMEOUT_S 10         /* safety net: a blocked op fails instead of hanging */
#define ERRNO_SLOTS 256
#define URING_ENTRIES 8         /* --uring: SQ size per worker thread */
#define MAX_CHURN_NAMES 16

enum transport { T_UNIX, T_UDP, T_TCP };

enum op {
	OP_SENDMSG, OP_RECVMSG, OP_SENDTO, OP_RECVFROM, OP_SENDMMSG,
	OP_RECVMMSG, OP_MSGSND, OP_MSGRCV, OP_URING_SEND, OP_URING_RECV,
	OP_GETPPID, OP_COUNT
};
static const char *const op_names[OP_COUNT] = {
	"sendmsg", "recvmsg", "sendto", "recvfrom", "sendmmsg",
	"recvmmsg", "msgsnd", "msgrcv", "uring_send", "uring_recv", "getppid"
};

struct opts {
	enum transport transport;
	const char *unix_path;
	unsigned long size;
	unsigned long long n_sendmsg, n_sendto, n_mmsg, n_eagain, n_emsgsize,
		n_ebadf, n_msgsnd, n_enomsg, n_uring, n_getppid;
	unsigned long vlen;
	unsigned long ipc_delay_ms;
	unsigned long rate_hz;
	unsigned long burst;     /* --burst: paced iterations run this many back to back */
	unsigned long threads, procs;
	int wait, hold;
	int hostile;                /* --hostile: names built to break terminals */
	unsigned long long churn;   /* --churn: short-lived processes to run */
	unsigned long churn_alive;
	const char *churn_names[MAX_CHURN_NAMES];
	unsigned n_churn_names;
};

struct opstat {
	unsigned long long calls, messages, bytes, errors;
};

/* One io_uring instance, its three mmaps and the pointers into them. */
struct ring {
	int fd;
	void *sq_map, *cq_map;
	size_t sq_map_len, cq_map_len;
	struct io_uring_sqe *sqes;
	size_t sqes_len;
	unsigned *sq_head, *sq_tail, *sq_mask, *sq_array;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
};

struct worker {
	int idx;
	pthread_t th;
	int a, b;               /* sender, receiver */
	int qid;                /* SysV queue or -1 */
	struct ring ring;       /* --uring; ring.fd -1 if none */
	char path[128];         /* fs socket path to unlink, or "" */
	int setup_failed;
	int failed;
	char err[512];
	struct opstat st[OP_COUNT];
	unsigned long long errnos[ERRNO_SLOTS + 1]; /* last slot: out of range */
	struct timespec t0, t1;
	struct timespec c0, c1; /* the thread's CPU time: what the ops cost it, waits for a CPU excluded */
	unsigned long long paced; /* --rate-hz: iterations started */
	int ran;
};

static struct opts o = {
	.transport = T_UNIX, .size = 100, .vlen = 8, .threads = 1, .procs = 1, .burst = 1,
};
static struct worker *workers;
static pthread_barrier_t barrier;
static volatile int abort_run;

/* For signal-time cleanup (queues and socket files of this process). */
static volatile sig_atomic_t cleanup_ready;
/* Children of the --procs parent, for signal forwarding. */
static pid_t *children;
static volatile sig_atomic_t n_children;

static const char *prog = "msggen";

static void usage_error(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n = snprintf(buf, sizeof buf, "%s: ", prog);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof buf - n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s (see --help)\n", buf);
	exit(2);
}

static void usage(void)
{
	printf(
"usage: msggen [options]\n"
"  --transport unix|udp|tcp   socket pair type (default unix: socketpair DGRAM)\n"
"  --unix-path NAME           unix: bind receiver to NAME ('@x' = abstract), connect sender\n"
"  --size N                   payload bytes per message (default 100)\n"
"  --sendmsg N                N x (sendmsg on A, recvmsg on B)\n"
"  --sendto N                 N x (sendto on A, recvfrom on B)\n"
"  --mmsg N --vlen V          N x (sendmmsg of V on A, recvmmsg of V on B); unix/udp (V default 8)\n"
"  --eagain N                 N x recvmsg(B, MSG_DONTWAIT) on the empty socket -> EAGAIN\n"
"  --emsgsize N               udp: N x sendmsg of %d bytes -> EMSGSIZE\n"
"  --ebadf N                  N x sendmsg(-1) -> EBADF\n"
"  --msgsnd N                 SysV queue: N x (msgsnd, msgrcv)\n"
"  --enomsg N                 N x msgrcv(IPC_NOWAIT) on the empty queue -> ENOMSG\n"
"  --ipc-delay-ms MS          sleep MS after msgget (before --wait / first op)\n"
"  --uring N                  N x (io_uring SEND on A, then RECV on B), each one\n"
"                             io_uring_enter(fd, 1, 1, GETEVENTS); one ring per thread\n"
"  --getppid N                N x syscall(SYS_getppid)\n"
"  --rate-hz R                at most R iterations per second per thread (sleeps between)\n"
"  --burst B                  with --rate-hz: B iterations back to back, then a sleep\n"
"                             (the same rate with B times fewer wake-ups; default 1)\n"
"  --threads T                run the sequence in T threads (\"msggen-w<i>\")\n"
"  --procs P                  fork P worker processes\n"
"  --wait                     print 'ready <pid>' after setup, start on a stdin line\n"
"  --hold                     after the result, wait for a stdin line or EOF\n"
"  --churn N                  run the sequence in N short-lived child processes, one\n"
"                             after another, on sockets/queue the parent set up\n"
"  --churn-alive K            at most K children alive at once (default 16)\n"
"  --churn-names A,B,..       children take these command names in turn (max 16)\n"
"  --hostile                  each worker process names itself (comm, command line and,\n"
"                             with --unix-path, socket path) with terminal escapes,\n"
"                             controls, bidi, invalid UTF-8, zero- and double-width text\n"
"Each worker process prints one JSON line: {\"pid\",\"elapsed_ns\",\"cpu_ns\",\"ops\",\"errnos\"};\n"
"cpu_ns is the CPU time its threads spent from first op to last.\n"
"Exit 0 ok, 1 an op returned something unexpected, 2 bad usage.\n", EMSGSIZE_LEN);
}

static unsigned long long parse_num(const char *opt, const char *s,
				    unsigned long long min, unsigned long long max)
{
	char *end;
	unsigned long long v;
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		usage_error("--%s needs a non-negative integer, got '%s'", opt, s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		usage_error("--%s needs a non-negative integer, got '%s'", opt, s);
	if (v < min || v > max)
		usage_error("--%s must be in %llu..%llu, got %llu", opt, min, max, v);
	return v;
}

static long read_proc_long(const char *path, long dflt)
{
	char buf[64];
	long v = dflt;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof buf - 1);
		if (n > 0) {
			buf[n] = 0;
			v = strtol(buf, NULL, 10);
		}
		close(fd);
	}
	return v;
}

/* ---------- console I/O: plain read/write only ---------- */

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

/* Block until a full line or EOF arrives on fd; consumes only that line. */
static void wait_line(int fd)
{
	char c;
	for (;;) {
		ssize_t r = read(fd, &c, 1);
		if (r == 0)
			return;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (c == '\n')
			return;
	}
}

/* ---------- errno names ---------- */

static const char *errno_name(int e, char *buf, size_t len)
{
	switch (e) {
	case EAGAIN: return "EAGAIN";
	case EMSGSIZE: return "EMSGSIZE";
	case EBADF: return "EBADF";
	case ENOMSG: return "ENOMSG";
	case EINTR: return "EINTR";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case ENOMEM: return "ENOMEM";
	case ENOBUFS: return "ENOBUFS";
	case ENOTSOCK: return "ENOTSOCK";
	case ENOTCONN: return "ENOTCONN";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case EPIPE: return "EPIPE";
	case EIDRM: return "EIDRM";
	case E2BIG: return "E2BIG";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EDESTADDRREQ: return "EDESTADDRREQ";
	case EISCONN: return "EISCONN";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default:
		snprintf(buf, len, "errno_%d", e);
		return buf;
	}
}

/* ---------- recording ---------- */

static void fail(struct worker *w, const char *fmt, ...)
{
	va_list ap;
	if (w->failed)
		return;
	w->failed = 1;
	va_start(ap, fmt);
	vsnprintf(w->err, sizeof w->err, fmt, ap);
	va_end(ap);
}

/* Record one call: ret < 0 is a failure with errno err. */
static inline void rec(struct worker *w, enum op op, long ret, int err,
		       unsigned long long msgs, unsigned long long bytes)
{
	struct opstat *s = &w->st[op];
	s->calls++;
	if (ret < 0) {
		s->errors++;
		w->errnos[(err >= 0 && err < ERRNO_SLOTS) ? err : ERRNO_SLOTS]++;
	} else {
		s->messages += msgs;
		s->bytes += bytes;
	}
}

static void describe_ret(char *buf, size_t len, long ret, int err)
{
	char eb[32];
	if (ret < 0)
		snprintf(buf, len, "-1 (%s: %s)", errno_name(err, eb, sizeof eb), strerror(err));
	else
		snprintf(buf, len, "%ld", ret);
}

/* ---------- setup ---------- */

static void set_bufs(int fd, int bytes)
{
	/* FORCE variants exceed [rw]mem_max as root; fall back otherwise. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S, .tv_usec = 0 };
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

static int buf_bytes(void)
{
	/* Room for a whole sendmmsg batch (plus skb overhead) queued at once. */
	unsigned long long need = (unsigned long long)o.vlen * (o.size + 1024) * 2 + (1u << 20);
	if (need < (4u << 20))
		need = 4u << 20;
	if (need > (1u << 30))
		need = 1u << 30;
	return (int)need;
}

static socklen_t unix_addr(struct sockaddr_un *sa, const char *name)
{
	size_t len = strlen(name);
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (name[0] == '@') {
		/* abstract: sun_path[0] = 0, name follows, no terminator */
		memcpy(sa->sun_path + 1, name + 1, len - 1);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	}
	memcpy(sa->sun_path, name, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

/* ---------- --hostile: names that try to take over a terminal ---------- */

/* Each at most 15 bytes (a comm) and free of '/' (a file name). */
static const char *const hostile_names[] = {
	"\x1b]0;pwned\x07",          /* OSC: set the window title */
	"\x1b[2J\x1b[H",              /* CSI: clear the screen, home */
	"\x1bP1$r\x1b\\",             /* DCS ... ST */
	"\x1b[6n",                   /* CSI: the terminal answers on stdin */
	"\x1b[?1049l",               /* leave the alternate screen */
	"\x1b]8;;http:x\x1b\\",       /* OSC 8 hyperlink */
	"\x9b" "2J" "\x9d" "0;c1\x07",  /* C1 CSI/OSC as raw bytes */
	"\xc2\x9b" "31m" "\xc2\x85",   /* C1 CSI, NEL in UTF-8 */
	"evil\nname\r\t",            /* C0 newline, return, tab */
	"\x07\x08\x08\x7f\x0b\x0c",     /* BEL, BS, DEL, VT, FF */
	"\xe2\x80\xae" "gnp.exe",     /* U+202E right-to-left override */
	"\xe2\x81\xa6" "a" "\xe2\x80\xa8" "b", /* LRI, line separator */
	"\xff\xfe\xc3(\xed\xa0\x80x", /* invalid UTF-8, a surrogate */
	"a\xe2\x80\x8b" "b\xe2\x80\x8d" "c\xef\xbb\xbf", /* ZWSP, ZWJ, BOM */
	"\xe6\xbc\xa2\xe5\xad\x97\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88", /* 漢字テスト */
	"\xf0\x9f\x98\x80\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", /* emoji, skin tone */
	"e\xcc\x81\xcc\x81\xcc\x81\xcc\x81", /* combining marks */
	"\x1b[31;1;5mRED",            /* SGR: red, bold, blink */
	"\xe2\x98\xba\xef\xb8\x8f\xf0\x9f\x87\xba\xf0\x9f\x87\xb8", /* ☺ + VS16, a flag */
	"\xe0\xa4\x95\xe0\xa5\x8d\xe0\xa4\xb7\xe3\x89\x88\xc2\xad", /* क्ष, U+3248, soft hyphen */
	"1\xef\xb8\x8f\xe2\x83\xa3\xe3\x85\xa4", /* keycap 1, U+3164 Hangul filler */
};
#define N_HOSTILE (sizeof hostile_names / sizeof hostile_names[0])

/* The argv and environment strings, one contiguous area: what
 * /proc/PID/cmdline shows, rewritten in place as setproctitle() does. */
static char *title_start, *title_end;

/* Takes over the argv + environment area for hostile_identity(): strings
 * still needed move elsewhere, the environment is emptied. */
static void claim_title_area(int argc, char **argv)
{
	extern char **environ;
	char *end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
	int i;

	for (i = 0; environ && environ[i]; i++)
		if (environ[i] == end)
			end += strlen(environ[i]) + 1;
	title_start = argv[0];
	title_end = end;
	prog = strdup(prog);
	if (o.unix_path)
		o.unix_path = strdup(o.unix_path);
	clearenv();
}

/* A worker's hostile identity, picked by its pid. Its comm: a hostile name
 * (every fourth keeps the name it was exec'd under, which the caller may
 * have chosen). Its command line: hostile words, then wide characters to
 * the end of the argv + environment area (no privilege needed). */
static void hostile_identity(void)
{
	unsigned i = (unsigned)getpid();
	size_t room = (size_t)(title_end - title_start) - 1, len = 0;
	int k;

	if (i % 4)
		prctl(PR_SET_NAME, hostile_names[i % N_HOSTILE], 0, 0, 0);
	memset(title_start, 0, room + 1);
	for (k = 0; k < 4; k++) {
		const char *w = hostile_names[(i + (unsigned)k * 5) % N_HOSTILE];
		size_t n = strlen(w);
		if (len + n + 1 > room)
			break;
		memcpy(title_start + len, w, n);
		len += n;
		title_start[len++] = ' ';
	}
	while (len + 3 <= room) {
		memcpy(title_start + len, "\xe5\xad\x97", 3); /* 字 */
		len += 3;
	}
}

/* Part of a worker's socket path, after --unix-path. */
static const char *hostile_path(void)
{
	return hostile_names[((unsigned)getpid() / 3) % N_HOSTILE];
}

static int setup_unix_path(struct worker *w)
{
	char name[sizeof(w->path)];
	struct sockaddr_un sa, aa;
	socklen_t sl, al;
	struct stat stb;

	if (o.threads > 1 || o.procs > 1 || o.hostile)
		snprintf(name, sizeof name, "%s%s.%d.%d", o.unix_path, o.hostile ? hostile_path() : "", (int)getpid(), w->idx);
	else
		snprintf(name, sizeof name, "%s", o.unix_path);
	if (strlen(name) > sizeof(sa.sun_path) - (name[0] == '@' ? 0 : 1)) {
		fail(w, "setup: unix path '%s' too long", name);
		return -1;
	}
	sl = unix_addr(&sa, name);

	w->b = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	w->a = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (w->a < 0 || w->b < 0) {
		fail(w, "setup: socket(AF_UNIX): %s", strerror(errno));
		return -1;
	}
	if (name[0] != '@' && lstat(name, &stb) == 0 && S_ISSOCK(stb.st_mode))
		unlink(name); /* stale socket file from an earlier run */
	if (bind(w->b, (struct sockaddr *)&sa, sl) < 0) {
		fail(w, "setup: bind(%s): %s", name, strerror(errno));
		return -1;
	}
	if (name[0] != '@')
		snprintf(w->path, sizeof w->path, "%s", name);
	/*
	 * Autobind the sender and connect the receiver back to it: a unix
	 * datagram receiver whose peer is not the sender caps its queue at
	 * net.unix.max_dgram_qlen (often 10), which would block a large
	 * sendmmsg batch.  Mutually connected sockets have no such cap.
	 */
	memset(&aa, 0, sizeof aa);
	aa.sun_family = AF_UNIX;
	if (bind(w->a, (struct sockaddr *)&aa, sizeof(sa_family_t)) < 0) {
		fail(w, "setup: autobind sender: %s", strerror(errno));
		return -1;
	}
	al = sizeof aa;
	if (getsockname(w->a, (struct sockaddr *)&aa, &al) < 0) {
		fail(w, "setup: getsockname: %s", strerror(errno));
		return -1;
	}
	if (connect(w->a, (struct sockaddr *)&sa, sl) < 0) {
		fail(w, "setup: connect(%s): %s", name, strerror(errno));
		return -1;
	}
	if (connect(w->b, (struct sockaddr *)&aa, al) < 0) {
		fail(w, "setup: connect receiver back: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int setup_udp(struct worker *w)
{
	struct sockaddr_in sa, sb;
	socklen_t l;

	w->a = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	w->b = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (w->a < 0 || w->b < 0) {
		fail(w, "setup: socket(AF_INET, DGRAM): %s", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sb = sa;
	if (bind(w->a, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    bind(w->b, (struct sockaddr *)&sb, sizeof sb) < 0) {
		fail(w, "setup: bind(127.0.0.1:0): %s", strerror(errno));
		return -1;
	}
	l = sizeof sa;
	if (getsockname(w->a, (struct sockaddr *)&sa, &l) < 0) {
		fail(w, "setup: getsockname: %s", strerror(errno));
		return -1;
	}
	l = sizeof sb;
	if (getsockname(w->b, (struct sockaddr *)&sb, &l) < 0) {
		fail(w, "setup: getsockname: %s", strerror(errno));
		return -1;
	}
	if (connect(w->a, (struct sockaddr *)&sb, sizeof sb) < 0 ||
	    connect(w->b, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fail(w, "setup: connect udp: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int setup_tcp(struct worker *w)
{
	struct sockaddr_in sa;
	socklen_t l = sizeof sa;
	int one = 1;
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	w->a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || w->a < 0) {
		fail(w, "setup: socket(AF_INET, STREAM): %s", strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return -1;
	}
	set_bufs(lfd, buf_bytes()); /* inherited by the accepted socket */
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &l) < 0) {
		fail(w, "setup: tcp listener: %s", strerror(errno));
		close(lfd);
		return -1;
	}
	set_bufs(w->a, buf_bytes());
	if (connect(w->a, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fail(w, "setup: tcp connect: %s", strerror(errno));
		close(lfd);
		return -1;
	}
	w->b = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	close(lfd);
	if (w->b < 0) {
		fail(w, "setup: tcp accept: %s", strerror(errno));
		return -1;
	}
	/* No Nagle / delayed-ACK stalls between small messages. */
	(void)setsockopt(w->a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	(void)setsockopt(w->b, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return 0;
}

static int need_sockets(void)
{
	return o.n_sendmsg || o.n_sendto || o.n_mmsg || o.n_eagain || o.n_emsgsize ||
	       o.n_uring;
}

/* ---------- io_uring, raw syscalls ---------- */

static int sys_io_uring_setup(unsigned entries, struct io_uring_params *p)
{
	return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int sys_io_uring_enter(int fd, unsigned to_submit, unsigned min_complete,
			      unsigned flags)
{
	return (int)syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags,
			    NULL, (size_t)0);
}

static void ring_close(struct ring *r)
{
	if (r->sqes)
		munmap(r->sqes, r->sqes_len);
	if (r->cq_map && r->cq_map != r->sq_map)
		munmap(r->cq_map, r->cq_map_len);
	if (r->sq_map)
		munmap(r->sq_map, r->sq_map_len);
	if (r->fd >= 0)
		close(r->fd);
	memset(r, 0, sizeof *r);
	r->fd = -1;
}

/* io_uring_setup + the SQ ring, CQ ring and SQE array mmaps. */
static int ring_open(struct worker *w)
{
	struct ring *r = &w->ring;
	struct io_uring_params p;
	void *m;

	memset(&p, 0, sizeof p);
	r->fd = sys_io_uring_setup(URING_ENTRIES, &p);
	if (r->fd < 0) {
		fail(w, "setup: io_uring_setup: %s", strerror(errno));
		return -1;
	}
	r->sq_map_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	r->cq_map_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		/* one mapping holds both rings */
		if (r->cq_map_len > r->sq_map_len)
			r->sq_map_len = r->cq_map_len;
		r->cq_map_len = r->sq_map_len;
	}
	m = mmap(NULL, r->sq_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		 r->fd, IORING_OFF_SQ_RING);
	if (m == MAP_FAILED)
		goto mmap_failed;
	r->sq_map = m;
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		r->cq_map = r->sq_map;
	} else {
		m = mmap(NULL, r->cq_map_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
		if (m == MAP_FAILED)
			goto mmap_failed;
		r->cq_map = m;
	}
	r->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	m = mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		 r->fd, IORING_OFF_SQES);
	if (m == MAP_FAILED)
		goto mmap_failed;
	r->sqes = m;

	r->sq_head = (unsigned *)((char *)r->sq_map + p.sq_off.head);
	r->sq_tail = (unsigned *)((char *)r->sq_map + p.sq_off.tail);
	r->sq_mask = (unsigned *)((char *)r->sq_map + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)((char *)r->sq_map + p.sq_off.array);
	r->cq_head = (unsigned *)((char *)r->cq_map + p.cq_off.head);
	r->cq_tail = (unsigned *)((char *)r->cq_map + p.cq_off.tail);
	r->cq_mask = (unsigned *)((char *)r->cq_map + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)((char *)r->cq_map + p.cq_off.cqes);
	return 0;

mmap_failed:
	fail(w, "setup: mmap io_uring rings: %s", strerror(errno));
	return -1; /* what is mapped goes at exit */
}

/*
 * Queue one SQE and submit + wait for it with a single
 * io_uring_enter(fd, 1, 1, IORING_ENTER_GETEVENTS).  Returns the CQE's res
 * if >= 0, else -1 with *err = -res.  If io_uring_enter itself fails it
 * returns -1 with *err = errno; that, or a completion that is not ours, also
 * puts a description in why (else why is "").  Only a wait cut short by a
 * signal (EINTR, or a return with no completion yet) makes a further
 * io_uring_enter(fd, 0 or 1, 1, GETEVENTS) call.
 */
static long ring_op(struct ring *r, unsigned char opcode, int fd, void *buf, size_t len,
		    int msg_flags, unsigned long long user_data, int *err,
		    char *why, size_t why_len)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	struct io_uring_sqe *sqe = &r->sqes[idx];
	struct io_uring_cqe *cqe;
	long res;

	why[0] = 0;
	memset(sqe, 0, sizeof *sqe);
	sqe->opcode = opcode;
	sqe->fd = fd;
	sqe->addr = (unsigned long long)(uintptr_t)buf;
	sqe->len = (unsigned)len;
	sqe->msg_flags = (unsigned)msg_flags;
	sqe->user_data = user_data;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);

	for (;;) {
		unsigned pending = tail + 1 - __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
		int n = sys_io_uring_enter(r->fd, pending, 1, IORING_ENTER_GETEVENTS);
		if (n < 0 && errno != EINTR) {
			*err = errno;
			snprintf(why, why_len, "io_uring_enter failed: %s", strerror(errno));
			return -1;
		}
		head = *r->cq_head;
		if (head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
			break;
	}
	cqe = &r->cqes[head & *r->cq_mask];
	res = cqe->res;
	if (cqe->user_data != user_data)
		snprintf(why, why_len, "completion for user_data %llu, expected %llu",
			 (unsigned long long)cqe->user_data, user_data);
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	if (res < 0) {
		*err = (int)-res;
		return -1;
	}
	return res;
}

/* One --uring SEND or RECV of size bytes, recorded as op (user_data 1 for a
 * send, 2 for a receive).  Returns 0 if it moved them all, else fails w. */
static int uring_xfer(struct worker *w, unsigned char opcode, int fd, void *buf, size_t size,
		      int rflags, enum op op, unsigned long long i)
{
	int send = opcode == IORING_OP_SEND, e = 0;
	char why[160], rb[64];
	long r = ring_op(&w->ring, opcode, fd, buf, size, rflags, send ? 1 : 2, &e, why, sizeof why);

	rec(w, op, r, e, 1, (unsigned long long)(r > 0 ? r : 0));
	if (r == (long)size && !why[0])
		return 0;
	describe_ret(rb, sizeof rb, r, e);
	fail(w, "uring %s #%llu returned %s, expected %zu%s%s", send ? "send" : "recv", i + 1, rb,
	     size, why[0] ? ": " : "", why);
	return -1;
}

static int need_queue(void)
{
	return o.n_msgsnd || o.n_enomsg;
}

static int setup(struct worker *w)
{
	if (need_sockets()) {
		int r;
		if (o.transport == T_UDP) {
			r = setup_udp(w);
		} else if (o.transport == T_TCP) {
			r = setup_tcp(w);
		} else if (o.unix_path) {
			r = setup_unix_path(w);
		} else {
			int sv[2];
			r = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv);
			if (r < 0) {
				fail(w, "setup: socketpair: %s", strerror(errno));
			} else {
				w->a = sv[0];
				w->b = sv[1];
			}
		}
		if (r < 0)
			return -1;
		if (o.transport != T_TCP) {
			set_bufs(w->a, buf_bytes());
			set_bufs(w->b, buf_bytes());
		}
		set_timeouts(w->a);
		set_timeouts(w->b);
	}
	if (o.n_uring && ring_open(w) < 0)
		return -1;
	if (need_queue()) {
		w->qid = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		if (w->qid < 0) {
			fail(w, "setup: msgget: %s", strerror(errno));
			return -1;
		}
		if (o.ipc_delay_ms) {
			struct timespec ts = {
				.tv_sec = (time_t)(o.ipc_delay_ms / 1000),
				.tv_nsec = (long)(o.ipc_delay_ms % 1000) * 1000000L,
			};
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
	}
	return 0;
}

/* ---------- the counted sequence ---------- */

/*
 * --rate-hz: iteration k of a thread (over all its loops) starts no earlier
 * than t0 + k/R, on an absolute schedule so sleeps do not drift.  Sleeping
 * uses clock_nanosleep, not a message syscall, so counts stay exact.
 * --burst B: only every B-th iteration waits, so B run back to back (the
 * same rate with B times fewer wake-ups).
 */
static void pace(struct worker *w)
{
	struct timespec t;
	unsigned long long ns, k;

	if (!o.rate_hz)
		return;
	k = w->paced++;
	if (k % o.burst)
		return;
	ns = k * 1000000000ULL / o.rate_hz;
	t.tv_sec = w->t0.tv_sec + (time_t)(ns / 1000000000ULL);
	t.tv_nsec = w->t0.tv_nsec + (long)(ns % 1000000000ULL);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
}

struct qmsg {
	long mtype;
	char mtext[];
};

/* Buffers and message headers one run of the sequence needs. */
struct io {
	size_t size;
	unsigned vlen;
	int rflags;             /* MSG_WAITALL on tcp */
	char *sbuf, *rbuf, *big;
	struct mmsghdr *smv, *rmv;
	struct sockaddr_storage *rnames;
	struct qmsg *qs, *qr;
	struct sockaddr_storage from;
	struct iovec siov, riov;
	struct msghdr smh;
};

static void io_free(struct io *io)
{
	free(io->sbuf);
	free(io->rbuf);
	free(io->big);
	free(io->smv);
	free(io->rmv);
	free(io->rnames);
	free(io->qs);
	free(io->qr);
}

static int io_alloc(struct worker *w, struct io *io)
{
	size_t k;

	memset(io, 0, sizeof *io);
	io->size = o.size;
	io->vlen = (unsigned)o.vlen;
	io->rflags = o.transport == T_TCP ? MSG_WAITALL : 0;
	/* One fixed payload pattern; +1 so malloc(0) is never asked for. */
	io->sbuf = malloc(io->size + 1);
	io->rbuf = malloc(io->size + 1);
	if (!io->sbuf || !io->rbuf)
		goto oom;
	for (k = 0; k < io->size; k++)
		io->sbuf[k] = (char)('a' + k % 26);
	io->siov.iov_base = io->sbuf;
	io->siov.iov_len = io->size;
	io->smh.msg_iov = &io->siov;
	io->smh.msg_iovlen = 1;
	io->riov.iov_base = io->rbuf;
	io->riov.iov_len = io->size;

	if (o.n_mmsg) {
		io->smv = calloc(io->vlen, sizeof *io->smv);
		io->rmv = calloc(io->vlen, sizeof *io->rmv);
		io->rnames = calloc(io->vlen, sizeof *io->rnames);
		if (!io->smv || !io->rmv || !io->rnames)
			goto oom;
		for (k = 0; k < io->vlen; k++) {
			io->smv[k].msg_hdr.msg_iov = &io->siov;
			io->smv[k].msg_hdr.msg_iovlen = 1;
			/* all entries share one receive buffer: content is not checked */
			io->rmv[k].msg_hdr.msg_iov = &io->riov;
			io->rmv[k].msg_hdr.msg_iovlen = 1;
			io->rmv[k].msg_hdr.msg_name = &io->rnames[k];
		}
	}
	if (o.n_emsgsize && !(io->big = calloc(1, EMSGSIZE_LEN)))
		goto oom;
	if (need_queue()) {
		io->qs = malloc(sizeof *io->qs + io->size + 1);
		io->qr = malloc(sizeof *io->qr + io->size + 1);
		if (!io->qs || !io->qr)
			goto oom;
		io->qs->mtype = 1;
		memcpy(io->qs->mtext, io->sbuf, io->size);
	}
	return 0;
oom:
	fail(w, "out of memory");
	return -1;
}

/* recvmsg on B into the receive buffer; returns what recvmsg returned. */
static long recv_one(struct worker *w, struct io *io, int flags, struct msghdr *rmh)
{
	memset(rmh, 0, sizeof *rmh);
	rmh->msg_name = &io->from;
	rmh->msg_namelen = sizeof io->from;
	rmh->msg_iov = &io->riov;
	rmh->msg_iovlen = 1;
	return recvmsg(w->b, rmh, flags);
}

/*
 * Each op_* makes the calls of one option, records them, and returns -1 at
 * the first result that is not the expected one (after fail()).
 */

/* Records one call; if it did not return `want` (and, for a failure, errno
 * `want_errno`), fails the run with a message naming it. */
static int expect(struct worker *w, enum op op, unsigned long long i, long r, int e,
		  unsigned long long msgs, long want, int want_errno, const char *what)
{
	char rb[64], eb[32];

	rec(w, op, r, e, msgs, (unsigned long long)(r > 0 ? r : 0));
	if (r == want && (want >= 0 || e == want_errno))
		return 0;
	describe_ret(rb, sizeof rb, r, e);
	if (want < 0)
		fail(w, "%s #%llu returned %s, expected -1 (%s)", what, i + 1, rb,
		     errno_name(want_errno, eb, sizeof eb));
	else
		fail(w, "%s #%llu returned %s, expected %ld", what, i + 1, rb, want);
	return -1;
}

/* --sendmsg: sendmsg on A, recvmsg on B */
static int op_sendmsg(struct worker *w, struct io *io)
{
	struct msghdr rmh;
	unsigned long long i;
	long r;

	for (i = 0; i < o.n_sendmsg; i++) {
		pace(w);
		r = sendmsg(w->a, &io->smh, 0);
		if (expect(w, OP_SENDMSG, i, r, errno, 1, (long)io->size, 0, "sendmsg"))
			return -1;
		r = recv_one(w, io, io->rflags, &rmh);
		if (expect(w, OP_RECVMSG, i, r, errno, 1, (long)io->size, 0, "recvmsg"))
			return -1;
		if (rmh.msg_flags & MSG_TRUNC) {
			fail(w, "recvmsg #%llu truncated (flags 0x%x)", i + 1, (unsigned)rmh.msg_flags);
			return -1;
		}
	}
	return 0;
}

/* --sendto: sendto on A, recvfrom on B (connected: NULL address) */
static int op_sendto(struct worker *w, struct io *io)
{
	unsigned long long i;
	long r;

	for (i = 0; i < o.n_sendto; i++) {
		pace(w);
		r = sendto(w->a, io->sbuf, io->size, 0, NULL, 0);
		if (expect(w, OP_SENDTO, i, r, errno, 1, (long)io->size, 0, "sendto"))
			return -1;
		r = recvfrom(w->b, io->rbuf, io->size, io->rflags, NULL, NULL);
		if (expect(w, OP_RECVFROM, i, r, errno, 1, (long)io->size, 0, "recvfrom"))
			return -1;
	}
	return 0;
}

/* One sendmmsg or recvmmsg of vlen, recorded with the msg_len sum as its
 * bytes; checks every entry moved `size` bytes. */
static int mmsg_call(struct worker *w, struct io *io, int send, unsigned long long i)
{
	struct mmsghdr *v = send ? io->smv : io->rmv;
	const char *what = send ? "sendmmsg" : "recvmmsg";
	unsigned long long bytes = 0;
	size_t k;
	long r;
	int e;

	for (k = 0; k < io->vlen; k++) {
		v[k].msg_len = 0;
		if (!send) {
			v[k].msg_hdr.msg_namelen = sizeof io->rnames[k];
			v[k].msg_hdr.msg_flags = 0;
		}
	}
	r = send ? sendmmsg(w->a, v, io->vlen, 0) : recvmmsg(w->b, v, io->vlen, 0, NULL);
	e = errno;
	for (k = 0; r > 0 && k < (size_t)r; k++)
		bytes += v[k].msg_len;
	rec(w, send ? OP_SENDMMSG : OP_RECVMMSG, r, e, (unsigned long long)(r > 0 ? r : 0), bytes);
	if (r != (long)io->vlen) {
		char rb[64];
		describe_ret(rb, sizeof rb, r, e);
		fail(w, "%s #%llu returned %s, expected %u", what, i + 1, rb, io->vlen);
		return -1;
	}
	for (k = 0; k < io->vlen; k++) {
		if (v[k].msg_len != io->size || (!send && (v[k].msg_hdr.msg_flags & MSG_TRUNC))) {
			fail(w, "%s #%llu entry %zu: %u bytes, expected %zu", what, i + 1, k,
			     v[k].msg_len, io->size);
			return -1;
		}
	}
	return 0;
}

/* --mmsg: one sendmmsg of vlen on A, one recvmmsg of vlen on B */
static int op_mmsg(struct worker *w, struct io *io)
{
	unsigned long long i;

	for (i = 0; i < o.n_mmsg; i++) {
		pace(w);
		if (mmsg_call(w, io, 1, i) || mmsg_call(w, io, 0, i))
			return -1;
	}
	return 0;
}

/* --eagain, --emsgsize, --ebadf: calls that must fail with one errno */
static int op_failures(struct worker *w, struct io *io)
{
	struct iovec biov = { .iov_base = io->big, .iov_len = EMSGSIZE_LEN };
	struct msghdr bmh = { .msg_iov = &biov, .msg_iovlen = 1 }, rmh;
	unsigned long long i;
	long r;

	for (i = 0; i < o.n_eagain; i++) {
		pace(w);
		r = recv_one(w, io, MSG_DONTWAIT, &rmh);
		if (expect(w, OP_RECVMSG, i, r, errno, 1, -1, EAGAIN, "eagain: recvmsg"))
			return -1;
	}
	for (i = 0; i < o.n_emsgsize; i++) {
		pace(w);
		r = sendmsg(w->a, &bmh, 0);
		if (expect(w, OP_SENDMSG, i, r, errno, 1, -1, EMSGSIZE, "emsgsize: sendmsg"))
			return -1;
	}
	for (i = 0; i < o.n_ebadf; i++) {
		pace(w);
		r = sendmsg(-1, &io->smh, 0);
		if (expect(w, OP_SENDMSG, i, r, errno, 1, -1, EBADF, "ebadf: sendmsg"))
			return -1;
	}
	return 0;
}

/* --msgsnd: msgsnd then msgrcv, mtype 1, size bytes; --enomsg: msgrcv
 * (IPC_NOWAIT) on the empty queue */
static int op_sysv(struct worker *w, struct io *io)
{
	unsigned long long i;
	long r;
	int e;

	for (i = 0; i < o.n_msgsnd; i++) {
		pace(w);
		r = msgsnd(w->qid, io->qs, io->size, 0);
		e = errno;
		rec(w, OP_MSGSND, r, e, 1, r == 0 ? io->size : 0);
		if (r != 0) {
			char rb[64];
			describe_ret(rb, sizeof rb, r, e);
			fail(w, "msgsnd #%llu returned %s, expected 0", i + 1, rb);
			return -1;
		}
		r = msgrcv(w->qid, io->qr, io->size, 0, 0);
		if (expect(w, OP_MSGRCV, i, r, errno, 1, (long)io->size, 0, "msgrcv"))
			return -1;
		if (io->qr->mtype != 1) {
			fail(w, "msgrcv #%llu got mtype %ld, expected 1", i + 1, io->qr->mtype);
			return -1;
		}
	}
	for (i = 0; i < o.n_enomsg; i++) {
		pace(w);
		r = msgrcv(w->qid, io->qr, io->size, 0, IPC_NOWAIT);
		if (expect(w, OP_MSGRCV, i, r, errno, 1, -1, ENOMSG, "enomsg: msgrcv"))
			return -1;
	}
	return 0;
}

/*
 * --uring: IORING_OP_SEND on A, then IORING_OP_RECV on B, each submitted
 * and reaped by one io_uring_enter(fd, 1, 1, GETEVENTS).  tcp: MSG_WAITALL
 * on both, so io_uring itself retries a short transfer inside the request.
 */
static int op_uring(struct worker *w, struct io *io)
{
	unsigned long long i;

	for (i = 0; i < o.n_uring; i++) {
		pace(w);
		if (uring_xfer(w, IORING_OP_SEND, w->a, io->sbuf, io->size, io->rflags, OP_URING_SEND, i) ||
		    uring_xfer(w, IORING_OP_RECV, w->b, io->rbuf, io->size, io->rflags, OP_URING_RECV, i))
			return -1;
	}
	return 0;
}

/* --getppid: unrelated-syscall loop */
static int op_getppid(struct worker *w, struct io *io)
{
	unsigned long long i;
	long r;

	(void)io;
	for (i = 0; i < o.n_getppid; i++) {
		pace(w);
		r = syscall(SYS_getppid);
		rec(w, OP_GETPPID, r, errno, 0, 0);
	}
	return 0;
}

/* The counted sequence, in the order of the README's table. */
static int (*const sequence[])(struct worker *, struct io *) = {
	op_sendmsg, op_sendto, op_mmsg, op_failures, op_sysv, op_uring, op_getppid,
};

static void run_ops(struct worker *w)
{
	struct io io;
	size_t s;

	if (io_alloc(w, &io) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &w->t0);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &w->c0);
		w->ran = 1;
		for (s = 0; s < sizeof sequence / sizeof sequence[0]; s++)
			if (sequence[s](w, &io))
				break;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &w->c1);
		clock_gettime(CLOCK_MONOTONIC, &w->t1);
	}
	io_free(&io);
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;
	char name[16];

	snprintf(name, sizeof name, "msggen-w%d", w->idx);
	pthread_setname_np(pthread_self(), name);

	if (setup(w) < 0)
		w->setup_failed = 1;
	pthread_barrier_wait(&barrier); /* all set up */
	pthread_barrier_wait(&barrier); /* go (or abort) */
	if (!abort_run)
		run_ops(w);
	return NULL;
}

/* ---------- cleanup ---------- */

static void cleanup_resources(void)
{
	unsigned long t;
	if (!cleanup_ready)
		return;
	for (t = 0; t < o.threads; t++) {
		struct worker *w = &workers[t];
		if (w->qid >= 0) {
			msgctl(w->qid, IPC_RMID, NULL);
			w->qid = -1;
		}
		if (w->path[0]) {
			unlink(w->path);
			w->path[0] = 0;
		}
	}
}

static void on_fatal_signal(int sig)
{
	cleanup_resources();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_parent_signal(int sig)
{
	sig_atomic_t i;
	for (i = 0; i < n_children; i++)
		kill(children[i], sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void (*h)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* ---------- one worker process ---------- */

static int appendf(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (*len >= cap)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	*len += (size_t)n;
	if (*len >= cap)
		*len = cap - 1;
	return 0;
}

static long long ts_ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/*
 * go_fd / hold_fd: where to wait for the go / hold-release signal
 * (stdin when standalone, a pipe from the parent under --procs).
 */
static int run_worker(int go_fd, int hold_fd)
{
	struct opstat tot[OP_COUNT];
	unsigned long long errs[ERRNO_SLOTS + 1];
	long long t0 = 0, t1 = 0, cpu = 0;
	unsigned long t;
	int any_setup_failed = 0, any_failed = 0, first;
	char out[4096];
	size_t len = 0;
	int rc;

	workers = calloc(o.threads, sizeof *workers);
	if (!workers) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	if (o.hostile)
		hostile_identity();
	for (t = 0; t < o.threads; t++) {
		workers[t].idx = (int)t;
		workers[t].a = workers[t].b = workers[t].qid = -1;
		workers[t].ring.fd = -1;
	}
	cleanup_ready = 1;
	install_handlers(on_fatal_signal);

	if (pthread_barrier_init(&barrier, NULL, (unsigned)o.threads + 1) != 0) {
		fprintf(stderr, "%s: pthread_barrier_init failed\n", prog);
		return 1;
	}
	for (t = 0; t < o.threads; t++) {
		rc = pthread_create(&workers[t].th, NULL, thread_main, &workers[t]);
		if (rc != 0) {
			/* threads already started are stuck at the barrier: just exit */
			fprintf(stderr, "%s: pthread_create: %s\n", prog, strerror(rc));
			cleanup_resources();
			_exit(1);
		}
	}
	pthread_barrier_wait(&barrier); /* all set up */
	for (t = 0; t < o.threads; t++)
		if (workers[t].setup_failed)
			any_setup_failed = 1;
	if (any_setup_failed) {
		abort_run = 1;
	} else if (o.wait) {
		char line[64];
		int n = snprintf(line, sizeof line, "ready %d\n", (int)getpid());
		write_all(STDOUT_FILENO, line, (size_t)n);
		wait_line(go_fd);
	}
	pthread_barrier_wait(&barrier); /* go */
	for (t = 0; t < o.threads; t++)
		pthread_join(workers[t].th, NULL);

	if (any_setup_failed) {
		for (t = 0; t < o.threads; t++)
			if (workers[t].setup_failed)
				fprintf(stderr, "%s[%d] thread %lu: %s\n", prog, (int)getpid(), t,
					workers[t].err);
		cleanup_resources();
		return 1;
	}

	memset(tot, 0, sizeof tot);
	memset(errs, 0, sizeof errs);
	first = 1;
	for (t = 0; t < o.threads; t++) {
		struct worker *w = &workers[t];
		int j;
		for (j = 0; j < OP_COUNT; j++) {
			tot[j].calls += w->st[j].calls;
			tot[j].messages += w->st[j].messages;
			tot[j].bytes += w->st[j].bytes;
			tot[j].errors += w->st[j].errors;
		}
		for (j = 0; j <= ERRNO_SLOTS; j++)
			errs[j] += w->errnos[j];
		if (w->ran) {
			if (first || ts_ns(&w->t0) < t0)
				t0 = ts_ns(&w->t0);
			if (first || ts_ns(&w->t1) > t1)
				t1 = ts_ns(&w->t1);
			cpu += ts_ns(&w->c1) - ts_ns(&w->c0);
			first = 0;
		}
		if (w->failed) {
			any_failed = 1;
			fprintf(stderr, "%s[%d] thread %lu: %s\n", prog, (int)getpid(), t, w->err);
		}
	}

	appendf(out, sizeof out, &len, "{\"pid\":%d,\"elapsed_ns\":%lld,\"cpu_ns\":%lld,\"ops\":{",
		(int)getpid(), t1 - t0, cpu);
	first = 1;
	for (t = 0; t < OP_COUNT; t++) {
		if (!tot[t].calls)
			continue;
		appendf(out, sizeof out, &len,
			"%s\"%s\":{\"calls\":%llu,\"messages\":%llu,\"bytes\":%llu,\"errors\":%llu}",
			first ? "" : ",", op_names[t], tot[t].calls, tot[t].messages,
			tot[t].bytes, tot[t].errors);
		first = 0;
	}
	appendf(out, sizeof out, &len, "},\"errnos\":{");
	first = 1;
	for (t = 0; t <= ERRNO_SLOTS; t++) {
		char eb[32];
		if (!errs[t])
			continue;
		appendf(out, sizeof out, &len, "%s\"%s\":%llu", first ? "" : ",",
			t == ERRNO_SLOTS ? "other" : errno_name((int)t, eb, sizeof eb), errs[t]);
		first = 0;
	}
	appendf(out, sizeof out, &len, "}}\n");
	write_all(STDOUT_FILENO, out, len); /* one write: lines from workers don't mix */

	if (o.hold)
		wait_line(hold_fd);

	cleanup_resources();
	for (t = 0; t < o.threads; t++) {
		if (workers[t].a >= 0)
			close(workers[t].a);
		if (workers[t].b >= 0)
			close(workers[t].b);
		ring_close(&workers[t].ring);
	}
	return any_failed ? 1 : 0;
}

/* ---------- --churn: many short-lived processes ---------- */

/* What the children did, per command name, added up in shared memory. */
struct churn_tally {
	unsigned long long children[MAX_CHURN_NAMES];
	unsigned long long failed[MAX_CHURN_NAMES];
	struct opstat st[MAX_CHURN_NAMES][OP_COUNT];
	unsigned long long errnos[ERRNO_SLOTS + 1];
};

static void tally_add(unsigned long long *into, unsigned long long v)
{
	if (v)
		__atomic_fetch_add(into, v, __ATOMIC_RELAXED);
}

/* One child: the whole sequence on the inherited sockets/queue, then exit.
 * Every child sends before it receives, so a shared socket pair or queue
 * always holds a message for each child waiting to receive. */
static void churn_child(struct worker *w, struct churn_tally *t, unsigned name)
{
	int j;

	if (o.n_churn_names)
		prctl(PR_SET_NAME, o.churn_names[name], 0, 0, 0);
	memset(w->st, 0, sizeof w->st);
	memset(w->errnos, 0, sizeof w->errnos);
	run_ops(w);
	for (j = 0; j < OP_COUNT; j++) {
		tally_add(&t->st[name][j].calls, w->st[j].calls);
		tally_add(&t->st[name][j].messages, w->st[j].messages);
		tally_add(&t->st[name][j].bytes, w->st[j].bytes);
		tally_add(&t->st[name][j].errors, w->st[j].errors);
	}
	for (j = 0; j <= ERRNO_SLOTS; j++)
		tally_add(&t->errnos[j], w->errnos[j]);
	tally_add(&t->children[name], 1);
	if (w->failed) {
		tally_add(&t->failed[name], 1);
		fprintf(stderr, "%s[%d]: %s\n", prog, (int)getpid(), w->err);
	}
	_exit(w->failed ? 1 : 0);
}

static void append_ops(char *out, size_t cap, size_t *len, const struct opstat *st)
{
	int j, first = 1;

	appendf(out, cap, len, "{");
	for (j = 0; j < OP_COUNT; j++) {
		if (!st[j].calls)
			continue;
		appendf(out, cap, len, "%s\"%s\":{\"calls\":%llu,\"messages\":%llu,\"bytes\":%llu,\"errors\":%llu}",
			first ? "" : ",", op_names[j], st[j].calls, st[j].messages, st[j].bytes, st[j].errors);
		first = 0;
	}
	appendf(out, cap, len, "}");
}

/*
 * --churn N: the parent sets up once, then forks N children, at most
 * churn_alive at a time; it makes no counted call itself. One JSON line:
 * {"pid","elapsed_ns","churn":{"children","failed"},"comms":{name:{"children","ops"}},"ops","errnos"}.
 */
static int run_churn(void)
{
	struct worker w;
	struct churn_tally *t;
	struct opstat tot[OP_COUNT];
	unsigned long long started = 0, reaped = 0, failed = 0;
	unsigned names = o.n_churn_names ? o.n_churn_names : 1, n;
	struct timespec t0, t1;
	static char out[16384];
	size_t len = 0;
	int status, j, first;

	t = mmap(NULL, sizeof *t, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED) {
		fprintf(stderr, "%s: mmap: %s\n", prog, strerror(errno));
		return 1;
	}
	memset(&w, 0, sizeof w);
	w.a = w.b = w.qid = -1;
	w.ring.fd = -1;
	workers = &w;
	cleanup_ready = 1;
	install_handlers(on_fatal_signal);
	if (setup(&w) < 0) {
		fprintf(stderr, "%s: %s\n", prog, w.err);
		cleanup_resources();
		return 1;
	}
	if (o.wait) {
		char line[64];
		int k = snprintf(line, sizeof line, "ready %d\n", (int)getpid());
		write_all(STDOUT_FILENO, line, (size_t)k);
		wait_line(STDIN_FILENO);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fflush(NULL);
	while (reaped < o.churn) {
		while (started < o.churn && started - reaped < o.churn_alive) {
			pid_t pid = fork();
			if (pid == 0)
				churn_child(&w, t, (unsigned)(started % names));
			if (pid < 0) {
				if (started == reaped) {
					fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
					cleanup_resources();
					return 1;
				}
				break; /* out of processes for now: reap one first */
			}
			started++;
		}
		if (wait(&status) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: wait: %s\n", prog, strerror(errno));
			break;
		}
		reaped++;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	memset(tot, 0, sizeof tot);
	appendf(out, sizeof out, &len, "{\"pid\":%d,\"elapsed_ns\":%lld,\"churn\":{\"children\":%llu,\"failed\":%llu},\"comms\":{",
		(int)getpid(), ts_ns(&t1) - ts_ns(&t0), reaped, failed);
	for (n = 0; n < names; n++) {
		for (j = 0; j < OP_COUNT; j++) {
			tot[j].calls += t->st[n][j].calls;
			tot[j].messages += t->st[n][j].messages;
			tot[j].bytes += t->st[n][j].bytes;
			tot[j].errors += t->st[n][j].errors;
		}
		appendf(out, sizeof out, &len, "%s\"%s\":{\"children\":%llu,\"ops\":", n ? "," : "",
			o.n_churn_names ? o.churn_names[n] : prog, t->children[n]);
		append_ops(out, sizeof out, &len, t->st[n]);
		appendf(out, sizeof out, &len, "}");
	}
	appendf(out, sizeof out, &len, "},\"ops\":");
	append_ops(out, sizeof out, &len, tot);
	appendf(out, sizeof out, &len, ",\"errnos\":{");
	first = 1;
	for (j = 0; j <= ERRNO_SLOTS; j++) {
		char eb[32];
		if (!t->errnos[j])
			continue;
		appendf(out, sizeof out, &len, "%s\"%s\":%llu", first ? "" : ",",
			j == ERRNO_SLOTS ? "other" : errno_name(j, eb, sizeof eb), t->errnos[j]);
		first = 0;
	}
	appendf(out, sizeof out, &len, "}}\n");
	write_all(STDOUT_FILENO, out, len);
	cleanup_resources();
	return failed || reaped < o.churn ? 1 : 0;
}

/* ---------- main ---------- */

enum {
	O_TRANSPORT = 256, O_UNIX_PATH, O_SIZE, O_SENDMSG, O_SENDTO, O_MMSG, O_VLEN,
	O_EAGAIN, O_EMSGSIZE, O_EBADF, O_MSGSND, O_ENOMSG, O_IPC_DELAY, O_URING, O_GETPPID,
	O_RATE_HZ, O_BURST, O_THREADS, O_PROCS, O_WAIT, O_HOLD, O_CHURN, O_CHURN_ALIVE, O_CHURN_NAMES, O_HOSTILE, O_HELP
};

static const struct option longopts[] = {
	{ "transport", required_argument, NULL, O_TRANSPORT },
	{ "unix-path", required_argument, NULL, O_UNIX_PATH },
	{ "size", required_argument, NULL, O_SIZE },
	{ "sendmsg", required_argument, NULL, O_SENDMSG },
	{ "sendto", required_argument, NULL, O_SENDTO },
	{ "mmsg", required_argument, NULL, O_MMSG },
	{ "vlen", required_argument, NULL, O_VLEN },
	{ "eagain", required_argument, NULL, O_EAGAIN },
	{ "emsgsize", required_argument, NULL, O_EMSGSIZE },
	{ "ebadf", required_argument, NULL, O_EBADF },
	{ "msgsnd", required_argument, NULL, O_MSGSND },
	{ "enomsg", required_argument, NULL, O_ENOMSG },
	{ "ipc-delay-ms", required_argument, NULL, O_IPC_DELAY },
	{ "uring", required_argument, NULL, O_URING },
	{ "getppid", required_argument, NULL, O_GETPPID },
	{ "rate-hz", required_argument, NULL, O_RATE_HZ },
	{ "burst", required_argument, NULL, O_BURST },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "procs", required_argument, NULL, O_PROCS },
	{ "wait", no_argument, NULL, O_WAIT },
	{ "hold", no_argument, NULL, O_HOLD },
	{ "churn", required_argument, NULL, O_CHURN },
	{ "churn-alive", required_argument, NULL, O_CHURN_ALIVE },
	{ "churn-names", required_argument, NULL, O_CHURN_NAMES },
	{ "hostile", no_argument, NULL, O_HOSTILE },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

static void parse_args(int argc, char **argv)
{
	const unsigned long long big = 1000000000000ULL; /* per-op count limit */
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		const char *on = NULL;
		if (c >= O_TRANSPORT && c <= O_HELP)
			on = longopts[c - O_TRANSPORT].name;
		switch (c) {
		case O_TRANSPORT:
			if (!strcmp(optarg, "unix"))
				o.transport = T_UNIX;
			else if (!strcmp(optarg, "udp"))
				o.transport = T_UDP;
			else if (!strcmp(optarg, "tcp"))
				o.transport = T_TCP;
			else
				usage_error("--transport must be unix, udp or tcp, got '%s'", optarg);
			break;
		case O_UNIX_PATH:
			if (!optarg[0] || !strcmp(optarg, "@"))
				usage_error("--unix-path needs a non-empty name");
			o.unix_path = optarg;
			break;
		case O_SIZE: o.size = parse_num(on, optarg, 0, MAX_SIZE); break;
		case O_SENDMSG: o.n_sendmsg = parse_num(on, optarg, 0, big); break;
		case O_SENDTO: o.n_sendto = parse_num(on, optarg, 0, big); break;
		case O_MMSG: o.n_mmsg = parse_num(on, optarg, 0, big); break;
		case O_VLEN: o.vlen = parse_num(on, optarg, 1, MAX_VLEN); break;
		case O_EAGAIN: o.n_eagain = parse_num(on, optarg, 0, big); break;
		case O_EMSGSIZE: o.n_emsgsize = parse_num(on, optarg, 0, big); break;
		case O_EBADF: o.n_ebadf = parse_num(on, optarg, 0, big); break;
		case O_MSGSND: o.n_msgsnd = parse_num(on, optarg, 0, big); break;
		case O_ENOMSG: o.n_enomsg = parse_num(on, optarg, 0, big); break;
		case O_IPC_DELAY: o.ipc_delay_ms = parse_num(on, optarg, 0, 86400000UL); break;
		case O_URING: o.n_uring = parse_num(on, optarg, 0, big); break;
		case O_GETPPID: o.n_getppid = parse_num(on, optarg, 0, big); break;
		case O_RATE_HZ: o.rate_hz = parse_num(on, optarg, 1, 1000000000UL); break;
		case O_BURST: o.burst = parse_num(on, optarg, 1, 1000000UL); break;
		case O_THREADS: o.threads = parse_num(on, optarg, 1, MAX_THREADS); break;
		case O_PROCS: o.procs = parse_num(on, optarg, 1, MAX_PROCS); break;
		case O_WAIT: o.wait = 1; break;
		case O_HOLD: o.hold = 1; break;
		case O_HOSTILE: o.hostile = 1; break;
		case O_CHURN: o.churn = parse_num(on, optarg, 1, big); break;
		case O_CHURN_ALIVE: o.churn_alive = parse_num(on, optarg, 1, 4096); break;
		case O_CHURN_NAMES: {
			char *save = NULL, *t;
			for (t = strtok_r(optarg, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				if (o.n_churn_names == MAX_CHURN_NAMES)
					usage_error("--churn-names takes at most %d names", MAX_CHURN_NAMES);
				if (strlen(t) > 15)
					usage_error("--churn-names: '%s' is longer than 15 bytes", t);
				o.churn_names[o.n_churn_names++] = t;
			}
			break;
		}
		case O_HELP: usage(); exit(0);
		case ':':
			usage_error("option %s needs a value", argv[optind - 1]);
			break;
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);

	if (o.churn && (o.threads > 1 || o.procs > 1 || o.hold))
		usage_error("--churn cannot be combined with --threads, --procs or --hold");
	if ((o.churn_alive || o.n_churn_names) && !o.churn)
		usage_error("--churn-alive and --churn-names need --churn");
	if (o.churn && (o.n_eagain || o.n_enomsg))
		usage_error("--churn cannot be combined with --eagain or --enomsg (children share one socket pair and queue)");
	if (o.churn && o.transport == T_TCP)
		usage_error("--churn needs --transport unix or udp (children share one socket pair)");
	if (!o.churn_alive)
		o.churn_alive = 16;
	if (o.unix_path && o.transport != T_UNIX)
		usage_error("--unix-path only applies to --transport unix");
	if (o.n_mmsg && o.transport == T_TCP)
		usage_error("--mmsg needs --transport unix or udp (not tcp)");
	if (o.n_emsgsize && o.transport != T_UDP)
		usage_error("--emsgsize needs --transport udp");
	if (o.n_uring && o.transport == T_TCP && o.size == 0)
		usage_error("--uring with --transport tcp needs --size >= 1 (a 0-byte tcp receive "
			    "waits for data, and io_uring has no SO_RCVTIMEO safety net)");
	if (o.transport == T_UDP && o.size > MAX_UDP_SIZE &&
	    (o.n_sendmsg || o.n_sendto || o.n_mmsg || o.n_uring))
		usage_error("--size must be <= %d for udp", MAX_UDP_SIZE);
	if (o.n_msgsnd) {
		long msgmax = read_proc_long("/proc/sys/kernel/msgmax", 8192);
		long msgmnb = read_proc_long("/proc/sys/kernel/msgmnb", 16384);
		if ((long)o.size > msgmax || (long)o.size > msgmnb)
			usage_error("--size %lu exceeds kernel.msgmax (%ld) / msgmnb (%ld) for --msgsnd",
				    o.size, msgmax, msgmnb);
	}
	if (o.unix_path) {
		size_t max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;
		size_t len = strlen(o.unix_path);
		if (o.threads > 1 || o.procs > 1 || o.hostile)
			len += 24; /* ".<pid>.<thread>" suffix */
		if (o.hostile)
			len += 15; /* a hostile name before it */
		if (len > max)
			usage_error("--unix-path too long (max %zu bytes%s)", max,
				    (o.threads > 1 || o.procs > 1 || o.hostile) ? " including .<pid>.<i>" : "");
	}
}

/*
 * --uring: fail early, once (before threads and --procs), if io_uring is
 * unavailable: ENOSYS (not built in) or EPERM (kernel.io_uring_disabled).
 */
static void probe_uring(void)
{
	struct io_uring_params p;
	int fd, e;
	long disabled;

	memset(&p, 0, sizeof p);
	fd = sys_io_uring_setup(URING_ENTRIES, &p);
	if (fd >= 0) {
		close(fd);
		return;
	}
	e = errno;
	disabled = read_proc_long("/proc/sys/kernel/io_uring_disabled", -1);
	if (disabled >= 0)
		fprintf(stderr,
			"%s: --uring: io_uring_setup failed: %s (kernel.io_uring_disabled=%ld)\n",
			prog, strerror(e), disabled);
	else
		fprintf(stderr, "%s: --uring: io_uring_setup failed: %s\n", prog, strerror(e));
	exit(2);
}

int main(int argc, char **argv)
{
	int go[2] = { -1, -1 }, hold[2] = { -1, -1 };
	unsigned long p;
	int status, rc = 0;
	pid_t pid;

	if (argv[0] && argv[0][0]) {
		const char *s = strrchr(argv[0], '/');
		prog = s ? s + 1 : argv[0];
	}
	parse_args(argc, argv);
	if (o.hostile)
		claim_title_area(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if (o.n_uring)
		probe_uring();

	if (o.churn)
		return run_churn();
	if (o.procs == 1)
		return run_worker(STDIN_FILENO, STDIN_FILENO);

	/* --procs: the parent only relays stdin and waits. */
	if ((o.wait && pipe2(go, O_CLOEXEC) < 0) || (o.hold && pipe2(hold, O_CLOEXEC) < 0)) {
		fprintf(stderr, "%s: pipe: %s\n", prog, strerror(errno));
		return 1;
	}
	children = calloc(o.procs, sizeof *children);
	if (!children) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	install_handlers(on_parent_signal);
	fflush(NULL);
	for (p = 0; p < o.procs; p++) {
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
			rc = 1;
			break;
		}
		if (pid == 0) {
			free(children);
			children = NULL;
			n_children = 0;
			if (go[1] >= 0)
				close(go[1]);
			if (hold[1] >= 0)
				close(hold[1]);
			/* EOF on the pipe (parent closed it) is the signal */
			_exit(run_worker(go[0], hold[0]));
		}
		children[p] = pid;
		n_children = (sig_atomic_t)(p + 1);
	}
	if (go[0] >= 0)
		close(go[0]);
	if (hold[0] >= 0)
		close(hold[0]);
	if (o.wait) {
		wait_line(STDIN_FILENO);
		close(go[1]);
	}
	if (o.hold) {
		wait_line(STDIN_FILENO);
		close(hold[1]);
	}
	for (p = 0; p < (unsigned long)n_children; p++) {
		while (waitpid(children[p], &status, 0) < 0) {
			if (errno != EINTR) {
				status = 1 << 8;
				break;
			}
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = 1;
	}
	return rc;
}
