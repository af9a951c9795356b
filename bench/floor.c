// SPDX-License-Identifier: MIT
/* floor: loads bench/.output/floor.bpf.o, attaches the empty programs of
 * one mechanism, prints "ready <n>" and waits for SIGINT/SIGTERM, then
 * detaches everything and exits 0.
 *   usage: floor sock|fexit|syscalls [--stats] [OBJECT]
 *   sock:     raw tracepoints sock_send_length / sock_recv_length
 *   syscalls: syscalls:sys_{enter,exit}_{sendmsg,recvmsg,sendmmsg,recvmmsg,
 *             sendto,recvfrom}
 *   fexit:    fexit on __x64_sys_{sendmsg,recvmsg,sendmmsg,recvmmsg,sendto,
 *             recvfrom} (kernels with BPF trampolines)
 *   --stats:  also hold BPF run-time statistics on (BPF_ENABLE_STATS), as
 *             msgtop does to show its own cost: every BPF program run on the
 *             machine then also reads the clock twice. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_LINKS 32

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int stats = argc > 2 && !strcmp(argv[2], "--stats");
	const char *path = argc > 2 + stats ? argv[2 + stats] : "bench/.output/floor.bpf.o";
	int stats_fd = -1;
	const char *prefix;
	struct bpf_link *links[MAX_LINKS];
	struct bpf_program *p;
	struct bpf_object *obj;
	struct sigaction sa;
	int n = 0, i, rc = 1;

	if (!strcmp(mode, "sock"))
		prefix = "floor_sock_";
	else if (!strcmp(mode, "syscalls"))
		prefix = "floor_e"; /* floor_enter_*, floor_exit_* */
	else if (!strcmp(mode, "fexit"))
		prefix = "floor_fexit_";
	else {
		fprintf(stderr, "usage: floor sock|fexit|syscalls [--stats] [OBJECT]\n");
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	libbpf_set_print(silent);

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "floor: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, !strncmp(bpf_program__name(p), prefix, strlen(prefix)));
	if (bpf_object__load(obj)) {
		fprintf(stderr, "floor: load: %s\n", strerror(errno));
		goto out;
	}
	bpf_object__for_each_program(p, obj) {
		if (!bpf_program__autoload(p))
			continue;
		if (n == MAX_LINKS) {
			fprintf(stderr, "floor: too many programs\n");
			goto out;
		}
		links[n] = bpf_program__attach(p);
		if (!links[n]) {
			fprintf(stderr, "floor: attach %s: %s\n", bpf_program__name(p), strerror(errno));
			goto out;
		}
		n++;
	}
	if (stats) {
		stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (stats_fd < 0) {
			fprintf(stderr, "floor: bpf_enable_stats: %s\n", strerror(-stats_fd));
			goto out;
		}
	}
	printf("ready %d\n", n);
	fflush(stdout);
	while (!stop)
		pause();
	rc = 0;
out:
	for (i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	if (stats_fd >= 0)
		close(stats_fd);
	return rc;
}
