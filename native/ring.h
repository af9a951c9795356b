// Drains the BPF ring buffer from the libuv loop: the ring's epoll fd sits
// in a uv_poll handle, so nothing blocks, and each wake-up hands JS one
// Buffer holding every event consumed (one call per event cannot keep up).
#pragma once
#include <napi.h>
#include <uv.h>

#include <vector>

struct ring_buffer;

class EventPump {
public:
	// Returns nullptr and throws into env on failure.
	static EventPump *Start(Napi::Env env, int map_fd, Napi::Function callback);
	// Stops polling; the object frees itself once libuv has closed the handle.
	void Stop();

private:
	EventPump(Napi::Env env, Napi::Function callback);
	static int OnSample(void *ctx, void *data, size_t size);
	static void OnPoll(uv_poll_t *handle, int status, int events);

	Napi::Env env_;
	Napi::FunctionReference callback_;
	Napi::AsyncContext async_;
	ring_buffer *ring_ = nullptr;
	uv_poll_t poll_;
	std::vector<uint8_t> batch_;
};
