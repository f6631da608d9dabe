# Writes build/generated/edge-lam-git.h from src/common/edge-lam-git.h.in with the source
# tree's current `git describe`. Run at configure time and before every build, so that
# the gitDescribe of every run.json names the commit that was built, not the one CMake
# was configured at. configure_file leaves the header untouched (nothing recompiles) when
# its text does not change.
# Inputs (-D): SOURCE_DIR, OUTPUT.
execute_process(COMMAND git -C ${SOURCE_DIR} describe --always --dirty
                OUTPUT_VARIABLE EDGE_LAM_GIT_DESCRIBE OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT EDGE_LAM_GIT_DESCRIBE)
  set(EDGE_LAM_GIT_DESCRIBE "unknown")
endif()
configure_file(${SOURCE_DIR}/src/common/edge-lam-git.h.in ${OUTPUT} @ONLY)
