/* Lists the BPF programs loaded on this kernel as JSON, [{"id":N,"name":"…"}],
 * the part of `bpftool -j prog list` the integration tests read: the kernel
 * guests have no bpftool (a server does not either), so the tests carry this
 * static program instead (MSGTOP_PROG_LIST). Plain bpf(2), no libbpf. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int main(void)
{
	union bpf_attr attr;
	unsigned int id = 0;
	const char *sep = "";

	printf("[");
	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (bpf(BPF_PROG_GET_NEXT_ID, &attr) < 0) {
			if (errno == ENOENT)
				break;
			perror("bpfprogs: BPF_PROG_GET_NEXT_ID");
			return 1;
		}
		id = attr.next_id;
		memset(&attr, 0, sizeof(attr));
		attr.prog_id = id;
		int fd = bpf(BPF_PROG_GET_FD_BY_ID, &attr);
		if (fd < 0) {
			if (errno == ENOENT)
				continue; /* unloaded meanwhile */
			perror("bpfprogs: BPF_PROG_GET_FD_BY_ID");
			return 1;
		}
		struct bpf_prog_info info;
		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (unsigned long)&info;
		if (bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) < 0) {
			perror("bpfprogs: BPF_OBJ_GET_INFO_BY_FD");
			return 1;
		}
		close(fd);
		/* Kernel program names are [A-Za-z0-9_.]: nothing to escape. */
		printf("%s{\"id\":%u,\"name\":\"%.*s\"}", sep, id, (int)sizeof(info.name), info.name);
		sep = ",";
	}
	printf("]\n");
	return 0;
}
