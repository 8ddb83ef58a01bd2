# Every HallSuite target goes through one of these wrappers, so output folders, export macros,
# visibility, warnings and test settings stay the same everywhere (after Qt Creator's
# add_qtc_library / add_qtc_plugin / add_qtc_test).

include(GenerateExportHeader)

# The driver API version: the one place it is written. It becomes hall::devices::ApiVersion
# (the generated <devices/apiversion.h>) and the "apiVersion" of every driver's plugin.json
# (hall_add_driver configures plugin.json.in). Bump it when a device interface changes
# incompatibly. tests/drivers/testplugins/oldapi.json claims 99 on purpose: never use 99.
#   1  the first driver API
#   2  Device keeps its data behind a d-pointer (drivers built for 1 inline the old layout)
set(HALL_DEVICE_API_VERSION 2)
if(HALL_DEVICE_API_VERSION EQUAL 99)
  message(FATAL_ERROR "HALL_DEVICE_API_VERSION 99 is the test plugin's deliberately wrong version")
endif()

set(HALL_WARNINGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)

function(_hall_common target)
  target_compile_options(${target} PRIVATE ${HALL_WARNINGS})
  target_compile_definitions(${target} PRIVATE
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER QT_NO_FOREACH QT_NO_KEYWORDS
    QT_DISABLE_DEPRECATED_UP_TO=0x060400)
endfunction()

# hall_add_module(<name> SOURCES ... [PUBLIC_DEPENDS ...] [DEPENDS ...] [RESOURCES ...])
# Builds libhall_<name>.so with headers included as <name/header.h>, an alias hall::<name>
# and a generated <name>/<name>_export.h defining HALL_<NAME>_EXPORT.
function(hall_add_module name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;PUBLIC_DEPENDS;DEPENDS;RESOURCES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "hall_add_module(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "hall_add_module(${name}): SOURCES is required")
  endif()
  set(target hall_${name})
  add_library(${target} SHARED ${arg_SOURCES} ${arg_RESOURCES})
  add_library(hall::${name} ALIAS ${target})
  string(TOUPPER ${name} upper)
  generate_export_header(${target}
    BASE_NAME hall_${name}
    EXPORT_MACRO_NAME HALL_${upper}_EXPORT
    EXPORT_FILE_NAME "${CMAKE_CURRENT_BINARY_DIR}/include/${name}/${name}_export.h")
  target_include_directories(${target} PUBLIC
    "${CMAKE_CURRENT_SOURCE_DIR}" "${CMAKE_CURRENT_BINARY_DIR}/include")
  target_link_libraries(${target} PUBLIC ${arg_PUBLIC_DEPENDS} PRIVATE ${arg_DEPENDS})
  _hall_common(${target})
endfunction()

# hall_add_app(<name> SOURCES ... [DEPENDS ...]): an executable <name> in bin/.
function(hall_add_app name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;DEPENDS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "hall_add_app(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_DEPENDS})
  _hall_common(${name})
endfunction()

# hall_add_driver(<name> SOURCES ... [DEPENDS ...]): a device driver plugin in plugins/hall/.
# A driver links only hall::devices (and hall::core); see docs/architecture.md.
# Its metadata is the folder's plugin.json.in, configured into the build folder as plugin.json
# (found there by moc for Q_PLUGIN_METADATA(... FILE "plugin.json")) with
# @HALL_DEVICE_API_VERSION@ filled in, so no driver carries the API version by hand.
function(hall_add_driver name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;DEPENDS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "hall_add_driver(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/plugin.json.in")
    message(FATAL_ERROR "hall_add_driver(${name}): plugin.json.in is missing (the driver's metadata)")
  endif()
  set(target hall_driver_${name})
  configure_file("${CMAKE_CURRENT_SOURCE_DIR}/plugin.json.in" "${CMAKE_CURRENT_BINARY_DIR}/plugin.json" @ONLY)
  add_library(${target} MODULE ${arg_SOURCES} "${CMAKE_CURRENT_BINARY_DIR}/plugin.json")
  target_include_directories(${target} PRIVATE "${CMAKE_CURRENT_BINARY_DIR}")
  set_target_properties(${target} PROPERTIES
    LIBRARY_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/plugins/hall")
  target_link_libraries(${target} PRIVATE ${arg_DEPENDS})
  _hall_common(${target})
endfunction()

# hall_add_test(<name> SOURCES ... [DEPENDS ...] [LABELS ...] [TIMEOUT s] [ENVIRONMENT ...])
# A QtTest executable registered with CTest; runs on the offscreen platform.
function(hall_add_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TIMEOUT" "SOURCES;DEPENDS;LABELS;ENVIRONMENT")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "hall_add_test(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 60)
  endif()
  add_executable(${name} ${arg_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/tests")
  target_link_libraries(${name} PRIVATE Qt6::Test ${arg_DEPENDS})
  _hall_common(${name})
  # tests/childlog.h: what the test's child processes print, kept where scripts/check-logs looks.
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    TIMEOUT ${arg_TIMEOUT}
    LABELS "${arg_LABELS}"
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;HALL_BIN_DIR=${HALL_OUTPUT_BIN};HALL_SOURCE_DIR=${PROJECT_SOURCE_DIR};HALL_TEST_LOG_DIR=${HALL_TEST_LOG_DIR};HALL_TEST_NAME=${name};${arg_ENVIRONMENT}")
endfunction()
