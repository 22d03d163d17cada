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
  add_executable(${name} ${src})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  if(name MATCHES "^test_cli_")
    target_link_libraries(${name} PRIVATE gridsplit_clilib PkgConfig::CMOCKA)
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
