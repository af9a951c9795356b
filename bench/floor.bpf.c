// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Benchmark floor: empty programs on exactly the hooks msgtop uses, so the
 * bench can tell the price of the attach mechanism itself (tracepoint
 * dispatch, the slow syscall path) from the work msgtop's programs do. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

SEC("raw_tp/sock_send_length")
int floor_sock_send(void *ctx) { return 0; }

SEC("raw_tp/sock_recv_length")
int floor_sock_recv(void *ctx) { return 0; }

#define EMPTY_PAIR(name)                                           \
	SEC("tracepoint/syscalls/sys_enter_" #name)                \
	int floor_enter_##name(void *ctx) { return 0; }            \
	SEC("tracepoint/syscalls/sys_exit_" #name)                 \
	int floor_exit_##name(void *ctx) { return 0; }

/* The set msgtop --probes=syscalls attaches (msgsnd/msgrcv: only while SysV
 * queues exist, so not here). */
EMPTY_PAIR(sendmsg)
EMPTY_PAIR(recvmsg)
EMPTY_PAIR(sendmmsg)
EMPTY_PAIR(recvmmsg)
EMPTY_PAIR(sendto)
EMPTY_PAIR(recvfrom)

/* The set msgtop --probes=fexit attaches: BPF trampolines on the syscalls'
 * entry points (kernels with trampolines only; the loader sets autoload). */
#define EMPTY_FEXIT(name)                                                     \
	SEC("fexit/__x64_sys_" #name)                                         \
	int BPF_PROG(floor_fexit_##name, const void *regs, long ret) { return 0; }

EMPTY_FEXIT(sendmsg)
EMPTY_FEXIT(recvmsg)
EMPTY_FEXIT(sendmmsg)
EMPTY_FEXIT(recvmmsg)
EMPTY_FEXIT(sendto)
EMPTY_FEXIT(recvfrom)
