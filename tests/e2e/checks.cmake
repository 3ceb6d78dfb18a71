# Compliance review (issue 4) end-to-end tests on the shipped study, when it is present:
#  - e2e_checks_jiayuguan: identical outputs at 1 and 2 threads, and every proposal and
#    land-supply parcel gets the status its design intends;
#  - e2e_checks_postgis: per-parcel conflict areas agree with PostGIS within 0.01 % / 0.01 m2
#    (starts a throwaway PostgreSQL cluster; label postgis).
if(EXISTS ${CMAKE_SOURCE_DIR}/data/jiayuguan/study.yaml)
  add_test(NAME e2e_checks_jiayuguan
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/checks_jiayuguan.sh $<TARGET_FILE:xiongguan>
                   ${CMAKE_SOURCE_DIR}/data/jiayuguan/study.yaml ${CMAKE_CURRENT_BINARY_DIR}/e2e_checks)
  set_tests_properties(e2e_checks_jiayuguan PROPERTIES LABELS e2e TIMEOUT 600)
endif()

find_program(XG_PYTHON_SYSTEM /usr/bin/python3)
if(EXISTS ${CMAKE_SOURCE_DIR}/data/jiayuguan/study.yaml AND XG_PYTHON_SYSTEM)
  add_test(NAME e2e_checks_postgis
           COMMAND ${XG_PYTHON_SYSTEM} ${CMAKE_SOURCE_DIR}/tools/postgis_compare.py
                   ${CMAKE_SOURCE_DIR}/data/jiayuguan/study.yaml ${CMAKE_CURRENT_BINARY_DIR}/e2e_checks_postgis
                   --xiongguan $<TARGET_FILE:xiongguan>)
  set_tests_properties(e2e_checks_postgis PROPERTIES LABELS "e2e;postgis" TIMEOUT 600)
endif()
