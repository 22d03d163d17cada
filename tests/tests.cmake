# Test registration. Unit tests: every tests/unit/test_*.c is one cmocka executable.
# End-to-end tests: every tests/e2e/*.sh runs the real binary; exit 77 means skipped.
set(GS_SHARED_DEFAULT ${CMAKE_SOURCE_DIR}/../shared)
if(DEFINED ENV{GS_SHARED})
  set(GS_SHARED_DEFAULT $ENV{GS_SHARED})
endif()
set(GS_TEST_ENV
  "GS_SHARED=${GS_SHARED_DEFAULT}"
  "GS_BIN=$<TARGET_FILE:gridsplit_cli>"
  "GS_SRC=${CMAKE_SOURCE_DIR}"
  "GS_BUILD=${CMAKE_BINARY_DIR}"
  "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1"
  "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")

file(GLOB GS_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/test_*.c)
foreach(src ${GS_UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  if(name MATCHES "^test_(sched|serve)_" AND NOT TARGET gridsplit_daemonlib)
    continue() # src/daemon is not built without libslurm (CMakeLists.txt warns)
  endif()
  add_executable(${name} ${src})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  if(name MATCHES "^test_cli_")
    target_link_libraries(${name} PRIVATE gridsplit_clilib PkgConfig::CMOCKA)
  elseif(name MATCHES "^test_(sched|serve)_")
    target_link_libraries(${name} PRIVATE gridsplit_daemonlib PkgConfig::CMOCKA)
  else()
    target_link_libraries(${name} PRIVATE gridsplit PkgConfig::CMOCKA)
  endif()
  add_test(NAME unit.${name} COMMAND ${name})
  set_tests_properties(unit.${name} PROPERTIES ENVIRONMENT "${GS_TEST_ENV}" SKIP_RETURN_CODE 77)
endforeach()

file(GLOB GS_E2E_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/e2e/*.sh)
foreach(script ${GS_E2E_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME e2e.${name} COMMAND bash ${script})
  set_tests_properties(e2e.${name} PROPERTIES ENVIRONMENT "${GS_TEST_ENV}" SKIP_RETURN_CODE 77
                       WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
endforeach()

# A real single-node Slurm (tests/slurm/up.sh and down.sh, in ${CMAKE_BINARY_DIR}/slurm) as a
# fixture: ctest starts it before the first test that needs it and stops it after the last.
# A test needs it through gs_needs_slurm(TEST): it then gets GS_SLURM_DIR and SLURM_CONF, and
# runs alone on it. Where Slurm cannot start the set-up fails and so do those tests (not run);
# only outside CI, without Slurm installed, up.sh reports itself skipped and they skip too.
if(TARGET gridsplit_daemonlib)
  set(GS_SLURM_DIR ${CMAKE_BINARY_DIR}/slurm)
  add_test(NAME slurm.up COMMAND bash ${CMAKE_SOURCE_DIR}/tests/slurm/up.sh ${GS_SLURM_DIR})
  add_test(NAME slurm.down COMMAND bash ${CMAKE_SOURCE_DIR}/tests/slurm/down.sh ${GS_SLURM_DIR})
  set_tests_properties(slurm.up PROPERTIES FIXTURES_SETUP slurm SKIP_RETURN_CODE 77 TIMEOUT 120)
  set_tests_properties(slurm.down PROPERTIES FIXTURES_CLEANUP slurm TIMEOUT 120)
  function(gs_needs_slurm test)
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT
                 "GS_SLURM_DIR=${GS_SLURM_DIR}" "SLURM_CONF=${GS_SLURM_DIR}/slurm.conf")
    set_tests_properties(${test} PROPERTIES FIXTURES_REQUIRED slurm RESOURCE_LOCK slurm)
  endfunction()
  gs_needs_slurm(unit.test_sched_slurm)
  gs_needs_slurm(e2e.serve_slurm)
  set_tests_properties(e2e.serve_slurm PROPERTIES TIMEOUT 400)
  gs_needs_slurm(e2e.ven_vtn)
  set_tests_properties(e2e.ven_vtn PROPERTIES TIMEOUT 300)
  gs_needs_slurm(e2e.sweep_slurm)
  set_tests_properties(e2e.sweep_slurm PROPERTIES TIMEOUT 300)
  add_test(NAME ven.vtn_selftest COMMAND bash ${CMAKE_SOURCE_DIR}/tests/ven/vtn_selftest.sh)
  set_tests_properties(ven.vtn_selftest PROPERTIES ENVIRONMENT "${GS_TEST_ENV}" SKIP_RETURN_CODE 77
                       TIMEOUT 120)
endif()
