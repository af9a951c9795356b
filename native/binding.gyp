{
  "targets": [
    {
      "target_name": "msgtop",
      "sources": ["engine.cc", "evict.cc", "ring.cc", "maps.cc", "privileges.cc", "trampolines.cc"],
      "include_dirs": [
        "<!@(node -p \"require('node-addon-api').include\")",
        "../bpf",
        "../bpf/.output"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wno-missing-field-initializers"],
      "libraries": ["-lbpf"]
    }
  ]
}
