// An fexit program that returns at once is loaded against the msgsnd entry
// point, attached and closed: a kernel without trampolines refuses the load
// (EPERM, ENOTSUPP) or the attach. It costs one tiny verification, not a
// load of msgtop's maps.
#include "trampolines.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace {

constexpr const char *TARGET = "__x64_sys_msgsnd";
constexpr int ENOTSUPP_KERNEL = 524; // the kernel's own ENOTSUPP: no libc text

std::string error_text(int err)
{
	return err == ENOTSUPP_KERNEL ? "not supported" : strerror(err);
}

} // namespace

std::string trampoline_support()
{
	btf *vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return std::string("cannot read the kernel's BTF: ") + error_text(errno);
	int id = btf__find_by_name_kind(vmlinux, TARGET, BTF_KIND_FUNC);
	btf__free(vmlinux);
	if (id < 0)
		return std::string("the kernel's BTF has no ") + TARGET;

	bpf_insn insns[2] = {};
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K; // r0 = 0
	insns[1].code = BPF_JMP | BPF_EXIT;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FEXIT, .attach_btf_id = (__u32)id);
	int prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "msgtop_probe", "GPL", insns, 2, &opts);
	if (prog < 0)
		return std::string("the kernel refuses fexit programs: ") + error_text(errno);
	int link = bpf_raw_tracepoint_open(nullptr, prog);
	int err = errno;
	close(prog);
	if (link < 0)
		return std::string("the kernel cannot attach fexit programs: ") + error_text(err);
	close(link);
	return "";
}
