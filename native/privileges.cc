#include "privileges.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

std::string fail(const char *what)
{
	return std::string("cannot drop privileges: ") + what + ": " + strerror(errno);
}

int last_cap()
{
	int last = CAP_LAST_CAP;
	if (FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re")) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

// The user's groups as login would set them (initgroups), or just gid for
// a uid with no passwd entry.
std::vector<gid_t> groups_of(uid_t uid, gid_t gid)
{
	std::vector<char> buf(1 << 16);
	passwd pw, *found = nullptr;
	if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || !found)
		return {gid};
	int n = 64;
	std::vector<gid_t> groups(n);
	if (getgrouplist(found->pw_name, gid, groups.data(), &n) < 0) {
		groups.resize(n);
		if (getgrouplist(found->pw_name, gid, groups.data(), &n) < 0)
			return {gid};
	}
	groups.resize(n);
	return groups;
}

} // namespace

std::string drop_privileges(uid_t uid, gid_t gid, uint64_t keep)
{
	std::vector<gid_t> groups = groups_of(uid, gid);

	// Permitted capabilities survive the uid change on this thread only:
	// the others lose all of theirs (they need none).
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
		return fail("PR_SET_KEEPCAPS");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		return fail("PR_CAP_AMBIENT_CLEAR_ALL");
	for (int cap = 0, last = last_cap(); cap <= last; cap++)
		if (!(keep >> cap & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
			return fail("PR_CAPBSET_DROP");
	// glibc applies these to every thread of the process.
	if (setgroups(groups.size(), groups.data()) != 0)
		return fail("setgroups");
	if (setresgid(gid, gid, gid) != 0)
		return fail("setresgid");
	if (setresuid(uid, uid, uid) != 0)
		return fail("setresuid");

	__user_cap_header_struct head = {_LINUX_CAPABILITY_VERSION_3, 0};
	__user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	data[0].permitted = data[0].effective = uint32_t(keep);
	data[1].permitted = data[1].effective = uint32_t(keep >> 32);
	if (syscall(SYS_capset, &head, data) != 0)
		return fail("capset");
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0)
		return fail("PR_SET_KEEPCAPS");
	// A process holding capabilities must not be traced, or have its memory
	// read, by the user it now runs as.
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return fail("PR_SET_DUMPABLE");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return fail("PR_SET_NO_NEW_PRIVS");

	// Check, rather than trust, what the kernel now says.
	uid_t r, e, s;
	gid_t rg, eg, sg;
	if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid)
		return "cannot drop privileges: the uid did not change";
	if (getresgid(&rg, &eg, &sg) != 0 || rg != gid || eg != gid || sg != gid)
		return "cannot drop privileges: the gid did not change";
	__user_cap_data_struct now[_LINUX_CAPABILITY_U32S_3] = {};
	if (syscall(SYS_capget, &head, now) != 0)
		return fail("capget");
	uint64_t eff = now[0].effective | uint64_t(now[1].effective) << 32;
	uint64_t prm = now[0].permitted | uint64_t(now[1].permitted) << 32;
	if (eff != keep || prm != keep)
		return "cannot drop privileges: the capabilities are not the ones asked for";
	return "";
}
