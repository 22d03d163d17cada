# tests/fuzz/fuzz.cmake: the libFuzzer harnesses (issue 11, "Every parser fuzzed"; docs/fuzzing.md).
# Included by CMakeLists.txt when configured with -DGS_FUZZ=ON and CMAKE_C_COMPILER=clang, in a
# build of its own (tests/fuzz/run.sh: build-fuzz; tests/e2e/fuzz_short.sh: $GS_BUILD/fuzz).
# The libraries are compiled with coverage for libFuzzer but without its main
# (-fsanitize=fuzzer-no-link) and with ASan and UBSan, every UBSan finding fatal; each
# tests/fuzz/harness/fuzz_NAME.c becomes the executable fuzz_NAME (-fsanitize=fuzzer), linked to
# gridsplit_daemonlib when it includes a daemon header, else to gridsplit. The target gs_fuzz
# builds them all and only what they need.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "GS_FUZZ needs clang (libFuzzer): configure with -DCMAKE_C_COMPILER=clang"
                      " (Debian packages clang and libclang-rt-14-dev), found"
                      " ${CMAKE_C_COMPILER_ID}")
endif()

set(GS_FUZZ_SAN -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
# -O1 over Debug's -O0 (assertions stay on); -Wno-error: clang may warn where gcc does not, and
# this build is for crashes, not for warnings (the gcc builds keep -Werror)
set(GS_FUZZ_LIB_FLAGS -fsanitize=fuzzer-no-link ${GS_FUZZ_SAN} -O1)
foreach(lib gridsplit gridsplit_daemonlib gridsplit_clilib)
  if(TARGET ${lib})
    target_compile_options(${lib} PRIVATE ${GS_FUZZ_LIB_FLAGS})
    # whatever links them (the command, tests: not built by gs_fuzz) needs the runtimes
    target_link_options(${lib} INTERFACE -fsanitize=fuzzer-no-link,address,undefined)
  endif()
endforeach()

file(GLOB GS_FUZZ_HARNESSES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/harness/fuzz_*.c)
add_custom_target(gs_fuzz)
foreach(src ${GS_FUZZ_HARNESSES})
  get_filename_component(name ${src} NAME_WE)
  file(STRINGS ${src} daemon_includes REGEX "#include \"daemon/")
  if(daemon_includes AND NOT TARGET gridsplit_daemonlib)
    message(WARNING "${name}: not built (src/daemon is not built without libslurm)")
    continue()
  endif()
  add_executable(${name} ${src})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src
                             ${CMAKE_SOURCE_DIR}/tests/fuzz/harness)
  target_compile_definitions(${name} PRIVATE GS_FUZZ_SRC="${CMAKE_SOURCE_DIR}")
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer ${GS_FUZZ_SAN} -O1)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  if(daemon_includes)
    target_link_libraries(${name} PRIVATE gridsplit_daemonlib)
  else()
    target_link_libraries(${name} PRIVATE gridsplit)
  endif()
  add_dependencies(gs_fuzz ${name})
endforeach()
