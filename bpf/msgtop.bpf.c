// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* msgtop kernel side. Two ways to see socket messages:
 *  - sock mode: raw tracepoints sock_send_length / sock_recv_length, which
 *    fire once per message inside the socket layer; the calling syscall is
 *    orig_ax of the task's saved registers. No tax on unrelated syscalls.
 *  - syscalls mode: syscalls:sys_{enter,exit}_* tracepoints; exact per call
 *    but they put every task on the slow syscall path while attached.
 *  - fexit mode: BPF trampolines (fexit) on the syscalls' entry points,
 *    __x64_sys_*; exact per call like syscalls mode, but only callers pay.
 * msgsnd/msgrcv are seen by fexit where the kernel has trampolines, else by
 * syscall tracepoints; user space attaches them only while SysV queues exist.
 * Counters are cumulative per-CPU values; user space computes deltas. When
 * the last thread of a counted process exits, proc_exit tells user space,
 * which moves the final counts out of the maps: they hold live processes.
 *
 * Sections: maps · helpers · peer resolution · accumulators · detail ·
 * whole calls · programs (sock mode, syscall tracepoints, fexit, process
 * exit, fold). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "kernel_types.h"
#include "msgtop.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define PF_IO_WORKER 0x00000010
#define PF_KTHREAD 0x00200000
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define E2BIG 7
#define ENOMEM 12
#define MMSGHDR_SIZE 64 /* struct mmsghdr on x86-64 */
#define MMSGHDR_LEN_OFF 56 /* offsetof(struct mmsghdr, msg_len) */

/* x86-64 syscall numbers */
#define NR_READ 0
#define NR_WRITE 1
#define NR_READV 19
#define NR_WRITEV 20
#define NR_SENDTO 44
#define NR_RECVFROM 45
#define NR_SENDMSG 46
#define NR_RECVMSG 47
#define NR_RECVMMSG 299
#define NR_SENDMMSG 307
#define NR_IO_URING_ENTER 426

/* ==== maps ================================================================ */

/* The addon sizes counters, procs and errnos from --max-procs. They are
 * preallocated plain hashes: entries come and go with every process, and a
 * map that allocates on insert fails inserts (ENOMEM) while memory freed
 * by recent deletes waits for an RCU grace period; plain values keep the
 * preallocation independent of the CPU count. Messages add up in the
 * per-CPU accumulators below; only folds write here, with atomic adds. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct mt_key);
	__type(value, struct mt_counts);
} counters SEC(".maps");

/* Per-CPU accumulators in front of `counters`. A message adds to the slot of
 * its (syscall, tgid % ACC_WAYS): an array index, where a hash lookup of the
 * key costs about twice the rest of the program. The slot's counts move into
 * `counters` when another process takes the slot, or when user space runs
 * fold_accs on that CPU before it reads. Only one program writes a given
 * syscall's slots and a program never runs twice at once on one CPU, so plain
 * adds are safe; `busy` covers an update in progress, which a fold arriving by
 * IPI must not tear. */
#define ACC_WAYS 32
struct acc {
	__u32 tgid;
	__u32 busy;
	__u64 start_ns;
	struct mt_counts c;
};

#define ACC_SLOTS (MT_SYS_COUNT * ACC_WAYS)

/* A plain array with one block of ACC_SLOTS per CPU (the addon sets
 * max_entries to ACC_SLOTS × possible CPUs): the slot's address is a
 * constant plus an index, where a per-CPU array first loads a per-element
 * pointer. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ACC_SLOTS);
	__type(key, __u32);
	__type(value, struct acc);
} accs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct mt_proc_key);
	__type(value, struct mt_proc);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct mt_errno_key);
	__type(value, __u64);
} errnos SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u8);
} watch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 8192);
	__type(key, struct mt_thread_key);
	__type(value, struct mt_counts);
} threads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 8192);
	__type(key, struct mt_tname_key);
	__type(value, struct mt_tname);
} tnames SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4096);
	__type(key, struct mt_peer_key);
	__type(value, struct mt_peer_val);
} peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4096);
	__type(key, struct mt_size_key);
	__type(value, __u64);
} sizes SEC(".maps");

/* struct mt_exit notices; read on a timer, or sooner past exit_wake_bytes. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 << 10);
} exits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MT_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

/* Per-task scratch: syscall arguments saved at sys_enter for sys_exit, or
 * the sendmmsg/recvmmsg call in progress in sock mode. Freed with the task. */
struct task_state {
	__u64 args[6];
	__u32 sys;
	__u32 in_call;
	__u32 seen; /* sock mode: messages of this mmsg call seen so far */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_state);
} task_state SEC(".maps");

struct mt_config cfg = {};
__u32 watch_count = 0; /* entries in `watch`; skips the lookup when 0 */
/* Queued exit notices worth waking user space for before its next timed
 * read (set by the addon from the map size). */
__u64 exit_wake_bytes = 0;

/* One counted operation as detail() needs it, filled by a probe. */
struct op {
	struct sock *sk; /* NULL when unknown (syscalls mode resolves fd) */
	__u64 uaddr; /* user sockaddr of a send's destination, if given */
	__u64 umsg; /* or the user msghdr holding it: read only if needed */
	__s64 ret;
	__u64 bytes;
	__u32 sys;
	__u32 calls;
	__u32 messages;
	__u32 err;
	__s32 fd;
	__u32 flags;
	__u32 ualen;
	__u32 msqid_valid;
	/* A whole mmsg call, whose sizes the loop added per message. A constant
	 * per program: were it data, the verifier would follow bytes into
	 * add_size()'s branches, track the loop's sum exactly and never finish
	 * verifying the loop (E2BIG). */
	__u32 sized;
};

/* ==== helpers ============================================================= */

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		*v += 1;
}

/* Find or create a per-CPU value; a full map is counted, never silent. */
static __always_inline void *lookup_or_init(void *map, const void *key, const void *zero, __u32 full_stat)
{
	void *v = bpf_map_lookup_elem(map, key);
	long rc;

	if (v)
		return v;
	rc = bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	if (rc == -E2BIG || rc == -ENOMEM) {
		stat_inc(full_stat);
		return NULL;
	}
	return bpf_map_lookup_elem(map, key);
}

static __always_inline int is_watched(__u32 tgid)
{
	return watch_count && bpf_map_lookup_elem(&watch, &tgid);
}

static __always_inline __u32 log2_bucket(__u64 v)
{
	__u32 b = 0;

	if (!v)
		return 0;
	if (v >> 32) { v >>= 32; b += 32; }
	if (v >> 16) { v >>= 16; b += 16; }
	if (v >> 8) { v >>= 8; b += 8; }
	if (v >> 4) { v >>= 4; b += 4; }
	if (v >> 2) { v >>= 2; b += 2; }
	if (v >> 1) { b += 1; }
	b += 1; /* sizes in [2^(b-1), 2^b) land in bucket b */
	return b < MT_SIZE_BUCKETS ? b : MT_SIZE_BUCKETS - 1;
}

static __always_inline void add_size(__u32 tgid, __u32 dir, __u64 size)
{
	struct mt_size_key k = { .tgid = tgid, .dir = dir, .bucket = log2_bucket(size) };
	__u64 zero = 0, *v = lookup_or_init(&sizes, &k, &zero, MT_STAT_DETAIL_FULL);

	if (v)
		*v += 1;
}

/* ==== peer resolution ===================================================== */

static __always_inline struct sock *sock_of_fd(struct task_struct *task, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *f = NULL;
	unsigned short mode;
	struct socket *s;

	if (fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	if (!f)
		return NULL;
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	s = BPF_CORE_READ(f, private_data);
	return BPF_CORE_READ(s, sk);
}

static __always_inline void read_unix_path(struct mt_peer *p, struct unix_address *a)
{
	__u64 len; /* 64-bit: a 32-bit clamp gets lost in clang's zero-extension */

	if (!a)
		return;
	len = (__u32)BPF_CORE_READ(a, len);
	if (len <= sizeof(unsigned short))
		return;
	len -= sizeof(unsigned short);
	if (len > MT_PATH_LEN)
		len = MT_PATH_LEN;
	p->path_len = len;
	bpf_probe_read_kernel(p->path, len & 0x7f, &a->name[0].sun_path);
}

static __always_inline void peer_from_sock(struct mt_peer *p, struct sock *sk)
{
	if (!sk)
		return;
	p->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	p->protocol = BPF_CORE_READ(sk, sk_protocol);
	p->type = BPF_CORE_READ(sk, sk_type);
	if (p->family == AF_INET) {
		__u32 l = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 r = BPF_CORE_READ(sk, __sk_common.skc_daddr);

		__builtin_memcpy(p->laddr, &l, 4);
		__builtin_memcpy(p->raddr, &r, 4);
	} else if (p->family == AF_INET6) {
		BPF_CORE_READ_INTO(&p->laddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&p->raddr, sk, __sk_common.skc_v6_daddr);
	}
	if (p->family == AF_INET || p->family == AF_INET6) {
		p->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		p->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	} else if (p->family == AF_UNIX) {
		struct unix_sock *u = (struct unix_sock *)sk;
		struct sock *other = BPF_CORE_READ(u, peer);
		struct unix_address *a = other ? BPF_CORE_READ((struct unix_sock *)other, addr) : NULL;

		read_unix_path(p, a ? a : BPF_CORE_READ(u, addr));
	}
}

/* A send's explicit destination (msg_name / sendto's addr) wins over the
 * socket's connected peer. */
static __always_inline void peer_from_user(struct mt_peer *p, __u64 uaddr, __u32 ualen)
{
	unsigned short fam = 0;

	if (!uaddr || ualen < sizeof(fam))
		return;
	bpf_probe_read_user(&fam, sizeof(fam), (void *)uaddr);
	if (fam == AF_INET && p->family == AF_INET) {
		__u16 port = 0;

		bpf_probe_read_user(&port, 2, (void *)(uaddr + 2));
		bpf_probe_read_user(p->raddr, 4, (void *)(uaddr + 4));
		p->rport = bpf_ntohs(port);
	} else if (fam == AF_INET6 && p->family == AF_INET6) {
		__u16 port = 0;

		bpf_probe_read_user(&port, 2, (void *)(uaddr + 2));
		bpf_probe_read_user(p->raddr, 16, (void *)(uaddr + 8));
		p->rport = bpf_ntohs(port);
	} else if (fam == AF_UNIX && p->family == AF_UNIX && ualen > 2) {
		__u64 len = ualen - 2;

		if (len > MT_PATH_LEN)
			len = MT_PATH_LEN;
		p->path_len = len;
		bpf_probe_read_user(p->path, len & 0x7f, (void *)(uaddr + 2));
	}
}

static __always_inline void fill_peer(struct mt_peer *p, const struct op *op, struct task_struct *task)
{
	if (op->msqid_valid) {
		p->family = MT_FAM_SYSVMSG;
		p->id = op->fd;
		return;
	}
	peer_from_sock(p, op->sk ? op->sk : sock_of_fd(task, op->fd));
	if (op->sys & 1)
		return;
	if (op->umsg) {
		__u64 uaddr = 0;
		__u32 ualen = 0;

		bpf_probe_read_user(&uaddr, sizeof(uaddr), (void *)op->umsg);
		bpf_probe_read_user(&ualen, sizeof(ualen), (void *)(op->umsg + 8));
		peer_from_user(p, uaddr, ualen);
	} else {
		peer_from_user(p, op->uaddr, op->ualen);
	}
}

/* ==== accumulators ======================================================== */

/* Whether the process has a counters entry for a syscall other than
 * key->sys. Asked only when the procs map is full. */
static __always_inline int other_counters(const struct mt_key *key)
{
	struct mt_key k = *key;

	for (__u32 sys = 0; sys < MT_SYS_COUNT; sys++) {
		k.sys = sys;
		if (sys != key->sys && bpf_map_lookup_elem(&counters, &k))
			return 1;
	}
	return 0;
}

/* A counters entry was just made for the process: name it for user space
 * (its first entry does; the later ones find it named). A process counted
 * without a name is counted once, at its first entry: MT_STAT_PROC_FULL is
 * processes, not attempts (two threads making their first entries for two
 * syscalls at the same instant may count it twice or not at all). */
static __always_inline void note_proc(struct task_struct *task, const struct mt_key *key)
{
	struct mt_proc_key pk = { .tgid = key->tgid, .start_ns = key->start_ns };
	struct mt_proc v = {
		.cgroup_id = bpf_get_current_cgroup_id(),
		.uid = (__u32)bpf_get_current_uid_gid(),
	};
	long rc;

	bpf_probe_read_kernel_str(v.comm, sizeof(v.comm), task->group_leader->comm);
	rc = bpf_map_update_elem(&procs, &pk, &v, BPF_NOEXIST);
	if ((rc == -E2BIG || rc == -ENOMEM) && !other_counters(key))
		stat_inc(MT_STAT_PROC_FULL);
}

#define barrier() asm volatile("" ::: "memory")

/* Move a slot's counts into `counters`. The entry was made when the owner
 * took the slot; if the map was full then, the calls are lost, and counted. */
static __always_inline void fold(struct acc *a, __u32 sys)
{
	struct mt_key key = { .tgid = a->tgid, .sys = sys, .start_ns = a->start_ns };
	struct mt_counts *c;

	if (!a->c.calls && !a->c.messages && !a->c.errors)
		return;
	c = bpf_map_lookup_elem(&counters, &key);
	if (c) {
		/* Folds of one process's slots may run on two CPUs at once. */
		__sync_fetch_and_add(&c->calls, a->c.calls);
		__sync_fetch_and_add(&c->messages, a->c.messages);
		__sync_fetch_and_add(&c->bytes, a->c.bytes);
		__sync_fetch_and_add(&c->errors, a->c.errors);
	} else {
		__u32 idx = MT_STAT_COUNTER_FULL;
		__u64 *v = bpf_map_lookup_elem(&stats, &idx);

		if (v) /* a call whose first message was folded still counts once */
			*v += a->c.calls ? a->c.calls : 1;
		/* No entry (the map was full): the owner's next message takes the
		 * slot afresh and tries again to make one, room or not by then. */
		a->tgid = 0;
		a->start_ns = 0;
	}
	__builtin_memset(&a->c, 0, sizeof(a->c));
}

/* A process takes a slot another one held: fold the old owner's counts
 * and make sure the new one has a `counters` entry. Out of line (a BPF
 * subprogram), so its stack does not weigh on the per-message path. */
static __noinline int take_slot(struct task_struct *task, struct acc *a, __u32 sys, __u64 start_ns)
{
	struct mt_key key = { .tgid = task->tgid, .sys = sys, .start_ns = start_ns };
	struct mt_counts zero = {};

	fold(a, sys);
	a->tgid = key.tgid;
	a->start_ns = start_ns;
	/* Only here, in the task's own context, are entries created:
	 * a fold by IPI must not allocate. The process is named only once it
	 * is counted, so a full counters map leaves the procs map to the
	 * processes it counts. With no room in `counters` this is tried again
	 * each time the process takes a slot, and what it sends meanwhile is
	 * counted as MT_STAT_COUNTER_FULL when the slot is folded. */
	if (!bpf_map_lookup_elem(&counters, &key) && !bpf_map_update_elem(&counters, &key, &zero, BPF_NOEXIST))
		note_proc(task, &key);
	return 0;
}

static __noinline int count_errno(struct task_struct *task, __u32 sys, __u32 err)
{
	struct mt_errno_key ek = {
		.tgid = task->tgid, .sys = sys, .err = err, .start_ns = task->group_leader->start_boottime,
	};
	__u64 z = 0, *e = bpf_map_lookup_elem(&errnos, &ek);

	if (!e) {
		/* Flag the process, so its exit makes user space look for these
		 * entries: their keys cannot be listed from the exit hook. */
		struct mt_proc_key pk = { .tgid = ek.tgid, .start_ns = ek.start_ns };
		struct mt_proc *p = bpf_map_lookup_elem(&procs, &pk);

		if (p)
			p->flags |= MT_PROC_ERRNOS;
		e = lookup_or_init(&errnos, &ek, &z, MT_STAT_ERRNO_FULL);
	}
	if (e)
		__sync_fetch_and_add(e, 1);
	return 0;
}

/* The task's slot for `sys` on this CPU, taken if another process held it
 * and marked busy until add_to(). Runs on every message: callers read what
 * they add only after it, so that fewer values live across its calls (the
 * BPF ABI keeps four registers over a call; more spill to the stack, and a
 * frame of 64 bytes or more moves to a per-CPU private stack, whose stores
 * showed up hot in profiles of the send/recv loop). */
static __always_inline struct acc *slot_of(struct task_struct *task, __u32 sys)
{
	__u32 i = bpf_get_smp_processor_id() * ACC_SLOTS + sys * ACC_WAYS + (task->tgid & (ACC_WAYS - 1));
	struct acc *a = bpf_map_lookup_elem(&accs, &i);
	__u64 start_ns;

	if (!a) { /* a CPU beyond the map: cannot happen with the addon's size */
		stat_inc(MT_STAT_STATE_LOST);
		return NULL;
	}
	a->busy = 1;
	barrier();
	start_ns = task->group_leader->start_boottime;
	if (a->tgid != task->tgid || a->start_ns != start_ns)
		take_slot(task, a, sys, start_ns);
	return a;
}

/* Add one operation to the slot and release it; a failure also counts
 * under its errno. */
static __always_inline void add_to(struct acc *a, struct task_struct *task, __u32 sys, __u32 calls, __u32 messages, __u64 bytes, __u32 err)
{
	a->c.calls += calls;
	a->c.messages += messages;
	a->c.bytes += bytes;
	a->c.errors += err ? 1 : 0;
	barrier();
	a->busy = 0;
	if (err)
		count_errno(task, sys, err);
}

/* Anything detail() might do: the watch map is not empty, or every
 * process's events are wanted. One load of two adjacent .bss words. */
static __always_inline int detail_wanted(void)
{
	return watch_count | cfg.events;
}

/* ==== detail ============================================================== */

struct size_loop {
	__u64 vec;
	__u64 bytes;
	__u32 tgid;
	__u32 dir;
	__u32 watched;
};

/* syscalls and fexit modes: bytes of a sendmmsg/recvmmsg are the msg_len of each
 * message moved, which the kernel has written back to the user vector. */
static long mmsg_len_cb(__u64 i, void *ctx)
{
	struct size_loop *s = ctx;
	__u32 len = 0;

	bpf_probe_read_user(&len, sizeof(len), (void *)(s->vec + i * MMSGHDR_SIZE + MMSGHDR_LEN_OFF));
	s->bytes += len;
	if (s->watched)
		add_size(s->tgid, s->dir, len);
	return 0;
}

/* Per-thread, per-peer and size detail for a watched process, and its
 * event (or every process's, with --all-events). Called only when
 * detail_wanted(). */
static __noinline int detail(struct task_struct *task, const struct op *op, int watched)
{
	__u32 tgid = task->tgid, tid = task->pid, dir = op->sys & 1;
	struct mt_peer_key pk; /* filled only for a watched process */

	if (watched) {
		struct mt_thread_key tk = { .tgid = tgid, .tid = tid, .sys = op->sys };
		struct mt_counts zero = {}, *c;
		struct mt_peer_val pz = {}, *pv;

		__builtin_memset(&pk, 0, sizeof(pk));
		pk.tgid = tgid;
		pk.dir = dir;
		c = bpf_map_lookup_elem(&threads, &tk);
		if (!c) {
			struct mt_tname_key nk = { .tgid = tgid, .tid = tk.tid };
			struct mt_tname n = {};

			bpf_get_current_comm(n.comm, sizeof(n.comm));
			bpf_map_update_elem(&tnames, &nk, &n, BPF_ANY);
			c = lookup_or_init(&threads, &tk, &zero, MT_STAT_DETAIL_FULL);
		}
		if (c) {
			c->calls += op->calls;
			c->messages += op->messages;
			c->bytes += op->bytes;
			c->errors += op->err ? 1 : 0;
		}
		if (op->messages && !op->sized)
			add_size(tgid, dir, op->bytes);
		fill_peer(&pk.peer, op, task);
		pv = lookup_or_init(&peers, &pk, &pz, MT_STAT_DETAIL_FULL);
		if (pv) {
			pv->messages += op->messages;
			pv->bytes += op->bytes;
		}
	}

	if (watched || cfg.events == MT_EVENTS_ALL) {
		struct mt_event *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);

		if (!ev) {
			stat_inc(MT_STAT_RB_DROPS);
			return 0;
		}
		__builtin_memset(ev, 0, sizeof(*ev));
		ev->ts_ns = bpf_ktime_get_ns();
		ev->cgroup_id = bpf_get_current_cgroup_id();
		ev->start_ns = task->group_leader->start_boottime;
		ev->ret = op->ret;
		ev->tgid = tgid;
		ev->tid = tid;
		ev->sys = op->sys;
		ev->fd = op->fd;
		ev->flags = op->flags;
		bpf_get_current_comm(ev->comm, sizeof(ev->comm));
		/* A watched process's peer was just worked out: do not read it twice. */
		if (watched)
			__builtin_memcpy(&ev->peer, &pk.peer, sizeof(ev->peer));
		else
			fill_peer(&ev->peer, op, task);
		bpf_ringbuf_submit(ev, 0);
		stat_inc(MT_STAT_RB_EVENTS);
	}
	return 0;
}

/* ==== programs: sock mode ================================================= */

static __always_inline __u32 sys_of(long nr, unsigned int tflags, int dir)
{
	if (tflags & PF_IO_WORKER)
		return MT_SYS_URING_SEND + dir;
	if (tflags & PF_KTHREAD)
		return MT_SYS_OTHER_SEND + dir;
	switch (nr) {
	case NR_SENDMSG: case NR_RECVMSG: return MT_SYS_SENDMSG + dir;
	case NR_SENDMMSG: case NR_RECVMMSG: return MT_SYS_SENDMMSG + dir;
	case NR_SENDTO: case NR_RECVFROM: return MT_SYS_SENDTO + dir;
	case NR_WRITE: case NR_WRITEV: case NR_READ: case NR_READV: return MT_SYS_WRITE + dir;
	case NR_IO_URING_ENTER: return MT_SYS_URING_SEND + dir;
	}
	return MT_SYS_OTHER_SEND + dir;
}

/* The per-message hook sees each datagram of a sendmmsg/recvmmsg, not the
 * call. A call starts at a message whose (fd, vector, vlen) differ from the
 * thread's open call, or when the open call has ended: vlen messages seen
 * or a message failed (the kernel stops the loop there). Limits, documented
 * in the README: a call that ends early without a failing message (recvmmsg
 * timeout, MSG_OOB, a fault on a later entry, a short stream send) merges
 * with an identical next call on that thread; vlen 0 calls are not seen.
 * Returns 1 for the first message of a call and sets *idx. */
static __always_inline int mmsg_first(struct task_struct *task, struct pt_regs *regs, __u32 sys, long ret, __u32 *idx)
{
	struct task_state *st = bpf_task_storage_get(&task_state, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	__u64 fd = (__u32)regs->di, vec = regs->si, vlen = (__u32)regs->dx;
	int first;

	if (!st) {
		stat_inc(MT_STAT_STATE_LOST);
		*idx = 0;
		return 1;
	}
	if (vlen > MT_MMSG_MAX)
		vlen = MT_MMSG_MAX;
	first = !(st->in_call && st->sys == sys && st->args[0] == fd && st->args[1] == vec &&
		  st->args[2] == vlen && st->seen < vlen);
	if (first) {
		st->sys = sys;
		st->args[0] = fd;
		st->args[1] = vec;
		st->args[2] = vlen;
		st->seen = 0;
		st->in_call = 1;
	}
	*idx = st->seen;
	st->seen += 1;
	if (ret < 0 || st->seen >= vlen)
		st->in_call = 0;
	return first;
}

/* The op detail() needs, rebuilt from the tracepoint and the saved
 * registers: only when detail is wanted, out of the per-message path. */
static __noinline int sock_detail(struct bpf_raw_tracepoint_args *ctx, struct task_struct *task, __u32 sys, __u32 calls, __u32 idx)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	int ret = ctx->args[1];
	long nr = (task->flags & (PF_KTHREAD | PF_IO_WORKER)) ? -1 : regs->orig_ax;
	struct op op = {
		.sk = (struct sock *)ctx->args[0],
		.ret = ret,
		.sys = sys,
		.calls = calls,
		.messages = ret >= 0,
		.bytes = ret > 0 ? ret : 0,
		.err = ret < 0 ? -ret : 0,
		.fd = nr >= 0 && nr != NR_IO_URING_ENTER ? (int)regs->di : -1,
		.flags = (sys & 1) ? (int)ctx->args[2] : 0,
	};

	switch (sys) {
	case MT_SYS_SENDMSG:
		op.flags = regs->dx;
		op.umsg = regs->si;
		break;
	case MT_SYS_SENDTO:
		op.flags = regs->r10;
		op.uaddr = regs->r8;
		op.ualen = regs->r9;
		break;
	case MT_SYS_SENDMMSG:
	case MT_SYS_RECVMMSG:
		op.flags = regs->r10;
		if (sys == MT_SYS_SENDMMSG)
			op.umsg = regs->si + (__u64)idx * MMSGHDR_SIZE;
		break;
	}
	return detail(task, &op, is_watched(task->tgid));
}

static __always_inline int on_sock(struct bpf_raw_tracepoint_args *ctx, int dir)
{
	struct task_struct *task = bpf_get_current_task_btf();
	unsigned int tflags = task->flags;
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	long nr = (tflags & (PF_KTHREAD | PF_IO_WORKER)) ? -1 : regs->orig_ax;
	__u32 sys = sys_of(nr, tflags, dir), calls = 1, idx = 0;
	struct acc *a;
	int ret;

	if (sys == MT_SYS_SENDMMSG || sys == MT_SYS_RECVMMSG) {
		ret = ctx->args[1];
		calls = mmsg_first(task, regs, sys, ret, &idx);
		if (ret < 0 && !calls)
			return 0; /* ends a call that moved messages: not a failure */
	}
	a = slot_of(task, sys);
	if (a) {
		ret = ctx->args[1];
		add_to(a, task, sys, calls, ret >= 0, ret > 0 ? ret : 0, ret < 0 ? -ret : 0);
	}
	if (detail_wanted())
		sock_detail(ctx, task, sys, calls, idx);
	return 0;
}

SEC("raw_tp/sock_send_length")
int sock_send(struct bpf_raw_tracepoint_args *ctx)
{
	return on_sock(ctx, 0);
}

SEC("raw_tp/sock_recv_length")
int sock_recv(struct bpf_raw_tracepoint_args *ctx)
{
	return on_sock(ctx, 1);
}

/* ==== whole calls: syscalls and fexit modes ============================== */

/* Messages a finished call moved. */
static __always_inline __u32 call_messages(__u32 sys, long ret)
{
	if (sys == MT_SYS_SENDMMSG || sys == MT_SYS_RECVMMSG)
		return ret > 0 ? ret : 0;
	if (sys == MT_SYS_MSGSND)
		return ret == 0;
	return ret >= 0;
}

/* Bytes of a sendmmsg/recvmmsg that moved n > 0 messages: the msg_len the
 * kernel wrote back to each (and the watched process's sizes). Out of line:
 * the loop's state stays off the per-call frame. */
static __noinline __u64 mmsg_bytes(struct task_struct *task, __u64 vec, long n, __u32 dir)
{
	struct size_loop s = { .vec = vec, .tgid = task->tgid, .dir = dir, .watched = is_watched(task->tgid) };

	bpf_loop(n < MT_MMSG_MAX ? n : MT_MMSG_MAX, mmsg_len_cb, &s, 0);
	return s.bytes;
}

/* Bytes a finished call moved; a1 is the mmsg vector, a2 msgsnd's msgsz. */
static __always_inline __u64 call_bytes(struct task_struct *task, __u32 sys, long ret, __u64 a1, __u64 a2)
{
	if (sys == MT_SYS_SENDMMSG || sys == MT_SYS_RECVMMSG)
		return ret > 0 ? mmsg_bytes(task, a1, ret, sys & 1) : 0;
	if (sys == MT_SYS_MSGSND)
		return ret == 0 ? a2 : 0;
	return ret > 0 ? ret : 0;
}

static __always_inline void count_call(struct task_struct *task, __u32 sys, long ret, __u64 bytes)
{
	struct acc *a = slot_of(task, sys);

	if (a)
		add_to(a, task, sys, 1, call_messages(sys, ret), bytes, ret < 0 ? -ret : 0);
}

/* The op detail() needs, from the call's six arguments. */
static __always_inline int call_detail(struct task_struct *task, __u32 sys, long ret, __u64 bytes,
				       __u64 a0, __u64 a1, __u64 a2, __u64 a3, __u64 a4, __u64 a5)
{
	struct op op = {
		.ret = ret,
		.sys = sys,
		.calls = 1,
		.messages = call_messages(sys, ret),
		.bytes = bytes,
		.err = ret < 0 ? -ret : 0,
		.fd = a0,
	};

	switch (sys) {
	case MT_SYS_SENDMSG:
	case MT_SYS_RECVMSG:
		op.flags = a2;
		if (sys == MT_SYS_SENDMSG)
			op.umsg = a1;
		break;
	case MT_SYS_SENDTO:
	case MT_SYS_RECVFROM:
		op.flags = a3;
		if (sys == MT_SYS_SENDTO) {
			op.uaddr = a4;
			op.ualen = a5;
		}
		break;
	case MT_SYS_SENDMMSG:
	case MT_SYS_RECVMMSG:
		op.flags = a3;
		op.sized = 1; /* constant per program (see struct op) */
		break;
	case MT_SYS_MSGSND:
		op.msqid_valid = 1;
		op.flags = a3;
		break;
	case MT_SYS_MSGRCV:
		op.msqid_valid = 1;
		op.flags = a4;
		break;
	}
	return detail(task, &op, is_watched(task->tgid));
}

/* ==== programs: syscall tracepoints (syscalls mode; msgsnd/msgrcv) ========= */

struct sys_enter_ctx {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__u64 args[6];
};

struct sys_exit_ctx {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__s64 ret;
};

/* nargs must match the syscall: reading past its last argument makes the
 * kernel refuse to attach (the context is shorter). */
static __always_inline int on_enter(struct sys_enter_ctx *ctx, __u32 sys, int nargs)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_state *st = bpf_task_storage_get(&task_state, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!st) {
		stat_inc(MT_STAT_STATE_LOST);
		return 0;
	}
	st->sys = sys;
	st->in_call = 1;
	st->seen = 0;
	st->args[0] = ctx->args[0];
	st->args[1] = ctx->args[1];
	st->args[2] = ctx->args[2];
	if (nargs > 3)
		st->args[3] = ctx->args[3];
	if (nargs > 4)
		st->args[4] = ctx->args[4];
	if (nargs > 5)
		st->args[5] = ctx->args[5];
	return 0;
}

static __noinline int exit_detail(struct task_struct *task, struct task_state *st, __u32 sys, long ret, __u64 bytes);

static __always_inline int on_exit(struct sys_exit_ctx *ctx, __u32 sys)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct task_state *st = bpf_task_storage_get(&task_state, task, 0, 0);
	long ret = ctx->ret;
	__u64 bytes;

	if (!st || !st->in_call || st->sys != sys) {
		/* attached mid-call: the enter was not seen */
		stat_inc(MT_STAT_STATE_LOST);
		return 0;
	}
	st->in_call = 0;
	bytes = call_bytes(task, sys, ret, st->args[1], st->args[2]);
	count_call(task, sys, ret, bytes);
	if (detail_wanted())
		exit_detail(task, st, sys, ret, bytes);
	return 0;
}

static __noinline int exit_detail(struct task_struct *task, struct task_state *st, __u32 sys, long ret, __u64 bytes)
{
	return call_detail(task, sys, ret, bytes, st->args[0], st->args[1], st->args[2], st->args[3], st->args[4], st->args[5]);
}

#define SYSCALL_PAIR(name, sys, nargs)                                        \
	SEC("tracepoint/syscalls/sys_enter_" #name)                           \
	int enter_##name(struct sys_enter_ctx *ctx) { return on_enter(ctx, sys, nargs); } \
	SEC("tracepoint/syscalls/sys_exit_" #name)                            \
	int exit_##name(struct sys_exit_ctx *ctx) { return on_exit(ctx, sys); }

SYSCALL_PAIR(sendmsg, MT_SYS_SENDMSG, 3)
SYSCALL_PAIR(recvmsg, MT_SYS_RECVMSG, 3)
SYSCALL_PAIR(sendmmsg, MT_SYS_SENDMMSG, 4)
SYSCALL_PAIR(recvmmsg, MT_SYS_RECVMMSG, 5)
SYSCALL_PAIR(sendto, MT_SYS_SENDTO, 6)
SYSCALL_PAIR(recvfrom, MT_SYS_RECVFROM, 6)
SYSCALL_PAIR(msgsnd, MT_SYS_MSGSND, 4)
SYSCALL_PAIR(msgrcv, MT_SYS_MSGRCV, 5)

/* ==== programs: BPF trampolines (fexit mode; msgsnd/msgrcv) =============== */

/* fexit on the syscall's x86-64 entry point, __x64_sys_<name>(regs): one
 * program per call sees the caller's saved registers (the arguments, which
 * the call does not change) and the return value, so it needs no per-task
 * state and a call in flight at attach is simply not seen. Only tasks that
 * make the call pay for it. */
static __noinline int fexit_detail(struct task_struct *task, const struct pt_regs *regs, __u32 sys, long ret, __u64 bytes)
{
	return call_detail(task, sys, ret, bytes, regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9);
}

static __always_inline int on_fexit(const struct pt_regs *regs, long ret, __u32 sys)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 bytes = call_bytes(task, sys, ret, regs->si, regs->dx);

	count_call(task, sys, ret, bytes);
	if (detail_wanted())
		fexit_detail(task, regs, sys, ret, bytes);
	return 0;
}

#define FEXIT(name, sys)                                                       \
	SEC("fexit/__x64_sys_" #name)                                         \
	int BPF_PROG(fexit_##name, const struct pt_regs *regs, long ret) { return on_fexit(regs, ret, sys); }

FEXIT(sendmsg, MT_SYS_SENDMSG)
FEXIT(recvmsg, MT_SYS_RECVMSG)
FEXIT(sendmmsg, MT_SYS_SENDMMSG)
FEXIT(recvmmsg, MT_SYS_RECVMMSG)
FEXIT(sendto, MT_SYS_SENDTO)
FEXIT(recvfrom, MT_SYS_RECVFROM)
FEXIT(msgsnd, MT_SYS_MSGSND)
FEXIT(msgrcv, MT_SYS_MSGRCV)

/* ==== programs: process exit ============================================== */

/* Whether the process has any counters entry; asked only of one without a
 * procs entry (the procs map was full when it was first counted). */
static __always_inline int counted(struct mt_key *key)
{
	for (__u32 sys = 0; sys < MT_SYS_COUNT; sys++) {
		key->sys = sys;
		if (bpf_map_lookup_elem(&counters, key))
			return 1;
	}
	return 0;
}

/* The last thread of a process is past do_exit()'s group-dead check: no
 * thread of it can count another message. Tell user space, which moves its
 * final counts out of the maps. A lost notice is counted; user space then
 * evicts the process when it sees it gone from /proc. */
SEC("raw_tp/sched_process_exit")
int proc_exit(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mt_key key = { .tgid = task->tgid };
	struct mt_proc_key pk = { .tgid = key.tgid };
	struct mt_proc *p;
	struct mt_exit *e;

	if (task->signal->live.counter != 0)
		return 0;
	key.start_ns = task->group_leader->start_boottime;
	pk.start_ns = key.start_ns;
	p = bpf_map_lookup_elem(&procs, &pk);
	if (!p && !counted(&key))
		return 0;
	e = bpf_ringbuf_reserve(&exits, sizeof(*e), 0);
	if (!e) {
		stat_inc(MT_STAT_EXIT_LOST);
		return 0;
	}
	e->tgid = key.tgid;
	e->flags = p ? p->flags : 0;
	e->start_ns = key.start_ns;
	bpf_ringbuf_submit(e, bpf_ringbuf_query(&exits, BPF_RB_AVAIL_DATA) >= exit_wake_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
	return 0;
}

/* ==== programs: fold, run by the addon on each CPU (BPF_F_TEST_RUN_ON_CPU) = */

struct fold_ctx {
	__u32 base; /* this CPU's first slot */
	__u32 busy;
};

static long busy_cb(__u64 i, void *ctx)
{
	struct fold_ctx *f = ctx;
	__u32 idx = f->base + i;
	struct acc *a = bpf_map_lookup_elem(&accs, &idx);

	if (a && a->busy) {
		f->busy = 1;
		return 1;
	}
	return 0;
}

static long fold_cb(__u64 i, void *ctx)
{
	struct fold_ctx *f = ctx;
	__u32 idx = f->base + i;
	struct acc *a = bpf_map_lookup_elem(&accs, &idx);

	if (a)
		fold(a, i / ACC_WAYS);
	return 0;
}

/* Never attached. Arriving by IPI it may interrupt one of our programs on
 * this CPU: then it changes nothing and says so. */
SEC("raw_tp")
int fold_accs(void *ctx)
{
	struct fold_ctx f = { .base = bpf_get_smp_processor_id() * ACC_SLOTS };

	bpf_loop(ACC_SLOTS, busy_cb, &f, 0);
	if (f.busy)
		return MT_FOLD_BUSY;
	bpf_loop(ACC_SLOTS, fold_cb, &f, 0);
	return MT_FOLD_DONE;
}
