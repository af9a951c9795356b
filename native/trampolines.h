// Whether this kernel runs BPF trampolines (fentry/fexit), asked before a
// probe mode is chosen: the fexit programs of msgtop's object could not even
// be loaded where it does not, so they are loaded only when it does.
#pragma once
#include <string>

// "" when an fexit program loads and attaches here, else why not.
std::string trampoline_support();
