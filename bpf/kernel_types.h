/* The few kernel types msgtop reads, declared with preserve_access_index so
 * libbpf relocates every field access against the running kernel's BTF
 * (CO-RE): one object works on any kernel with BTF, no vmlinux.h needed.
 * Only fields we read are listed; names must match the kernel's. */
#ifndef MSGTOP_KERNEL_TYPES_H
#define MSGTOP_KERNEL_TYPES_H

#define __CORE __attribute__((preserve_access_index))

struct pt_regs {
	unsigned long r10, r9, r8, ax, dx, si, di, orig_ax;
} __CORE;

typedef struct {
	int counter;
} __CORE atomic_t;

struct signal_struct {
	atomic_t live; /* threads not yet past do_exit()'s group-dead check */
} __CORE;

struct task_struct {
	unsigned int flags;
	int pid;
	int tgid;
	unsigned long long start_boottime;
	struct task_struct *group_leader;
	struct files_struct *files;
	struct signal_struct *signal;
	char comm[16];
} __CORE;

struct in6_addr {
	union {
		unsigned char u6_addr8[16];
	} in6_u;
} __CORE;

struct sock_common {
	unsigned int skc_daddr;
	unsigned int skc_rcv_saddr;
	unsigned short skc_dport;
	unsigned short skc_num;
	unsigned short skc_family;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
} __CORE;

struct sock {
	struct sock_common __sk_common;
	unsigned short sk_type;
	unsigned short sk_protocol;
} __CORE;

struct sockaddr_un {
	unsigned short sun_family;
	char sun_path[108];
} __CORE;

struct unix_address {
	int len;
	struct sockaddr_un name[];
} __CORE;

struct unix_sock {
	struct unix_address *addr;
	struct sock *peer;
} __CORE;

struct inode {
	unsigned short i_mode;
} __CORE;

struct file {
	struct inode *f_inode;
	void *private_data;
} __CORE;

struct socket {
	struct sock *sk;
} __CORE;

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __CORE;

struct files_struct {
	struct fdtable *fdt;
} __CORE;

#endif
