# ctest driver: the installed planaria stands alone. Installs the build tree,
# moves the installation elsewhere (so nothing can rest on where it was
# installed, nor on the build or source tree), and from a directory outside
# the source tree runs the main job (the shipped workload-c.yaml, shortened)
# and a scenario named by its bare name; a file that is nowhere must be
# reported with every place looked in.
# -D BUILD_DIR=... -D WORK_DIR=...
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/installed
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "cmake --install failed")
endif()
file(RENAME ${WORK_DIR}/installed ${WORK_DIR}/moved)
file(MAKE_DIRECTORY ${WORK_DIR}/elsewhere)
set(planaria ${WORK_DIR}/moved/bin/planaria)
foreach(shipped IN ITEMS share/planaria/scenarios/workload-c.yaml share/planaria/scenarios/arch/planaria.yaml
                         share/planaria/scenarios/arch/monolithic.yaml share/planaria/scenarios/models/resnet50.yaml
                         share/planaria/planaria_regs.json include/planaria/planaria_regs.h)
  if(NOT EXISTS ${WORK_DIR}/moved/${shipped})
    message(FATAL_ERROR "the installation lacks ${shipped}")
  endif()
endforeach()

macro(run_planaria expect_rc)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=PLANARIA_DATA --unset=PLANARIA_MODELS ${planaria} ${ARGN}
                  WORKING_DIRECTORY ${WORK_DIR}/elsewhere
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL "${expect_rc}")
    message(FATAL_ERROR "planaria ${ARGN}: exit ${rc}, expected ${expect_rc}\n${out}\n${err}")
  endif()
endmacro()

# The main job, without a scenario argument.
run_planaria(0 run --requests 60 --seeds 1 --no-search)
if(NOT out MATCHES "Workload-C" OR NOT out MATCHES "planaria" OR NOT out MATCHES "prema")
  message(FATAL_ERROR "the main job printed no Planaria/PREMA comparison of Workload-C:\n${out}\n${err}")
endif()
# A shipped scenario and a shipped architecture by their bare names.
run_planaria(0 run workload-a.yaml --arch arch/planaria.yaml --requests 30 --seeds 1 --no-search --policy planaria)
if(NOT out MATCHES "Workload-A")
  message(FATAL_ERROR "workload-a.yaml by name did not run Workload-A:\n${out}\n${err}")
endif()
# A file that is nowhere: every place looked in is named.
run_planaria(2 run no-such-workload.yaml)
if(NOT err MATCHES "moved/share/planaria/scenarios/no-such-workload.yaml")
  message(FATAL_ERROR "the error does not name the installation's scenarios:\n${err}")
endif()
message(STATUS "installed planaria ok")
