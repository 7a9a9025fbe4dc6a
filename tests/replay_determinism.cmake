# Runs the same replay twice and requires byte-identical outputs.
# -D CLI=... -D MODEL=... -D WORK_DIR=...
file(REMOVE_RECURSE ${WORK_DIR})
foreach(run IN ITEMS a b)
  execute_process(COMMAND ${CLI} replay ${MODEL} --subarrays 4 --out ${WORK_DIR}/${run}
                  RESULT_VARIABLE rc OUTPUT_QUIET)
  if(rc)
    message(FATAL_ERROR "replay run ${run} failed (${rc})")
  endif()
endforeach()
foreach(f IN ITEMS inferences.csv subarrays.csv channels.csv summary.json timeline.json)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK_DIR}/a/${f} ${WORK_DIR}/b/${f} RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "${f} differs between two runs")
  endif()
endforeach()
message(STATUS "replay outputs identical")
