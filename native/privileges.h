// Dropping root after attaching: to the user who ran sudo, keeping only
// the capabilities later attaches need. See privileges.cc.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>

// Switches the calling thread, and through glibc every other thread, to
// uid/gid with the user's supplementary groups, keeping `keep` (a bit mask
// of CAP_* numbers) as the calling thread's permitted and effective
// capabilities and its bounding set, with none inheritable or ambient, no
// new privileges and not dumpable. Other threads of the process keep no
// capabilities at all (threads created afterwards inherit the caller's).
// Returns "" or why not; on failure the process may be half-dropped and
// must exit.
std::string drop_privileges(uid_t uid, gid_t gid, uint64_t keep);
