# Writes OUT, a header naming the source tree's commit (and whether the tree
# differs from it), at build time; it rewrites the file only when that
# changed, so an unchanged tree rebuilds nothing.
#   cmake -DSOURCE_DIR=... -DOUT=... -P cmake/commit.cmake
set(commit "unknown (not a git checkout)")
find_program(GIT git)
if(GIT)
  execute_process(COMMAND ${GIT} -C ${SOURCE_DIR} rev-parse HEAD
    OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
  if(rc EQUAL 0 AND NOT head STREQUAL "")
    set(commit "${head}")
    execute_process(COMMAND ${GIT} -C ${SOURCE_DIR} status --porcelain --untracked-files=no
      OUTPUT_VARIABLE changes ERROR_QUIET)
    if(NOT changes STREQUAL "")
      set(commit "${head} (with uncommitted changes)")
    endif()
  endif()
endif()
set(text "#pragma once\n// Generated at build time by cmake/commit.cmake.\n#define PLANARIA_COMMIT \"${commit}\"\n")
set(old "")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT old STREQUAL text)
  file(WRITE ${OUT} "${text}")
endif()
