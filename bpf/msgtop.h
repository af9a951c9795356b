/* Every record shared by the kernel programs (msgtop.bpf.c) and the addon.
 * src/data/records.ts mirrors these layouts; test/unit/layout.test.ts checks
 * the two agree by compiling a probe of sizeof/offsetof against this file.
 * Fixed-width types only, explicit padding, so both sides see one layout. */
#ifndef MSGTOP_H
#define MSGTOP_H

#ifndef __VMLINUX_TYPES__
#include <linux/types.h>
#endif

#define MT_COMM_LEN 16
#define MT_PATH_LEN 108 /* sizeof(sockaddr_un.sun_path) */
#define MT_SIZE_BUCKETS 32 /* log2 buckets: 0, 1, 2-3, 4-7, ... */
#define MT_MMSG_MAX 1024 /* UIO_MAXIOV: the kernel clamps vlen to this */

/* What a counted operation was. Even ids send, odd ids receive. */
enum mt_sys {
	MT_SYS_SENDMSG = 0,
	MT_SYS_RECVMSG = 1,
	MT_SYS_SENDMMSG = 2,
	MT_SYS_RECVMMSG = 3,
	MT_SYS_MSGSND = 4,
	MT_SYS_MSGRCV = 5,
	MT_SYS_SENDTO = 6,
	MT_SYS_RECVFROM = 7,
	MT_SYS_WRITE = 8, /* write/writev on a socket (socket probes only) */
	MT_SYS_READ = 9, /* read/readv on a socket (socket probes only) */
	MT_SYS_URING_SEND = 10, /* io_uring send ops (socket probes only) */
	MT_SYS_URING_RECV = 11,
	MT_SYS_OTHER_SEND = 12, /* sendfile, splice, kernel threads, ... */
	MT_SYS_OTHER_RECV = 13,
	MT_SYS_COUNT = 14,
};

/* Socket probe mode in use. */
enum mt_mode {
	MT_MODE_SOCK = 0, /* sock:sock_{send,recv}_length raw tracepoints */
	MT_MODE_SYSCALLS = 1, /* syscalls:sys_{enter,exit}_* tracepoints */
};

/* Which processes get per-thread/per-peer/size detail and ring events. */
enum mt_events {
	MT_EVENTS_WATCHED = 0, /* only tgids in the watch map */
	MT_EVENTS_ALL = 1,
};

/* Indexes of the per-CPU `stats` array: everything that could otherwise
 * be lost silently. */
enum mt_stat {
	MT_STAT_RB_DROPS = 0, /* ring buffer reserve failed */
	MT_STAT_RB_EVENTS = 1, /* events submitted */
	MT_STAT_COUNTER_FULL = 2, /* calls not counted: counters map full */
	MT_STAT_ERRNO_FULL = 3, /* errnos map insert failed */
	MT_STAT_DETAIL_FULL = 4, /* threads/peers/sizes insert failed */
	MT_STAT_STATE_LOST = 5, /* per-task state unavailable: call not counted */
	MT_STAT_PROC_FULL = 6, /* processes counted with no room in the procs map */
	MT_STAT_EXIT_LOST = 7, /* exit notice not queued: user space evicts late */
	MT_STAT_COUNT = 8,
};

/* Per-process identity: pid plus the group leader's start_boottime (ns),
 * so a reused pid never inherits a dead process's counts. */
struct mt_key {
	__u32 tgid;
	__u32 sys; /* enum mt_sys */
	__u64 start_ns;
};

/* Cumulative counters (per CPU in the kernel; the addon sums CPUs). */
struct mt_counts {
	__u64 calls;
	__u64 messages;
	__u64 bytes;
	__u64 errors;
};

/* What the kernel knew of a process when it was first counted, so one that
 * exits before user space looks at /proc still has a name. */
struct mt_proc_key {
	__u32 tgid;
	__u32 pad;
	__u64 start_ns;
};

enum mt_proc_flags {
	MT_PROC_ERRNOS = 1, /* the process has entries in the errnos map */
};

struct mt_proc {
	char comm[MT_COMM_LEN]; /* the group leader's */
	__u64 cgroup_id;
	__u32 uid;
	__u32 flags; /* enum mt_proc_flags */
};

/* Sent on the `exits` ring buffer when the last thread of a counted process
 * exits: user space then moves its final counts out of every map. */
struct mt_exit {
	__u32 tgid;
	__u32 flags; /* enum mt_proc_flags; 0 if the process has no procs entry */
	__u64 start_ns;
};

struct mt_errno_key {
	__u32 tgid;
	__u16 sys;
	__u16 err; /* positive errno */
	__u64 start_ns;
};

/* Watched processes only. */
struct mt_thread_key {
	__u32 tgid;
	__u32 tid;
	__u32 sys;
	__u32 pad;
};

/* Name of a watched thread when first counted (it may be gone when read). */
struct mt_tname_key {
	__u32 tgid;
	__u32 tid;
};

struct mt_tname {
	char comm[MT_COMM_LEN];
};

struct mt_size_key {
	__u32 tgid;
	__u16 dir; /* 0 send, 1 receive */
	__u16 bucket;
};

#define MT_FAM_SYSVMSG 0xfff0 /* pseudo family: a SysV message queue */

/* A socket (or queue) and the other end, as far as the kernel knows it. */
struct mt_peer {
	__u16 family; /* AF_INET, AF_INET6, AF_UNIX, AF_NETLINK, MT_FAM_SYSVMSG */
	__u16 protocol; /* IPPROTO_* or netlink protocol */
	__u16 type; /* SOCK_STREAM, SOCK_DGRAM, ... */
	__u16 lport;
	__u16 rport;
	__u16 path_len; /* bytes used in path (AF_UNIX); 0 if unnamed */
	__u32 id; /* msqid for SysV queues, netlink dst portid */
	__u8 laddr[16]; /* IPv4 in the first 4 bytes, network order */
	__u8 raddr[16];
	char path[MT_PATH_LEN]; /* AF_UNIX peer path (own if no peer); abstract names start with NUL */
	__u32 pad;
};

struct mt_peer_key {
	__u32 tgid;
	__u32 dir; /* 0 send, 1 receive */
	struct mt_peer peer;
};

struct mt_peer_val {
	__u64 messages;
	__u64 bytes;
};

/* One event in the ring buffer. */
struct mt_event {
	__u64 ts_ns; /* CLOCK_MONOTONIC */
	__u64 cgroup_id;
	__u64 start_ns;
	__s64 ret; /* bytes, message count (mmsg, syscall probes) or -errno */
	__u32 tgid;
	__u32 tid;
	__u32 sys; /* enum mt_sys */
	__s32 fd; /* fd, or msqid for msgsnd/msgrcv; -1 unknown */
	__u32 flags; /* MSG_* flags (send/recv) or IPC flags */
	__u32 pad;
	char comm[MT_COMM_LEN];
	struct mt_peer peer;
};

/* What the fold program (fold_accs, run by the addon on each CPU) returns. */
enum mt_fold {
	MT_FOLD_DONE = 0,
	MT_FOLD_BUSY = 1, /* a program was mid-update on that CPU: run it again */
};

/* Writable knobs in .bss, set by the addon while running. */
struct mt_config {
	__u32 events; /* enum mt_events */
	__u32 pad;
};

#endif
