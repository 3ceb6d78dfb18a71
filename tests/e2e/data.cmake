# The shipped study area: the generator reproduces the committed files byte for byte, and the
# 2021 indicators recomputed independently from them match the city's figures (issue 3).
add_test(NAME data.generator_reproduces_jiayuguan
         COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tools/generate_study_test.py
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(data.generator_reproduces_jiayuguan PROPERTIES LABELS "e2e;data" TIMEOUT 600)
