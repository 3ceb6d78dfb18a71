# Scenarios and batches (issue 5) end-to-end:
#  - e2e_scenarios_invalid_<name>: every scenarios/invalid/*.yaml (not _*.yaml, which are helpers)
#    must fail `xiongguan validate` with exit code 3 and the text of its `# expect:` line;
#  - e2e_scenarios_validate_<name>: every shipped scenarios/*.yaml validates (load, plan, configure);
#  - e2e_scenarios_default_batch: the default batch on the shipped study at --threads 2, every
#    GeoTIFF opens in GDAL and every shapefile in OGR, a rerun skips every run, a deleted run is
#    redone alone, and the same batch at --threads 1 gives no difference (`xiongguan compare`).
file(GLOB _xg_invalid CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/scenarios/invalid/*.yaml)
foreach(_f ${_xg_invalid})
  get_filename_component(_n ${_f} NAME_WE)
  if(NOT _n MATCHES "^_")
    add_test(NAME e2e_scenarios_invalid_${_n}
             COMMAND ${CMAKE_COMMAND} -DXG=$<TARGET_FILE:xiongguan> -DFILE=${_f}
                     -P ${CMAKE_CURRENT_SOURCE_DIR}/e2e/scenarios_scripts/validate_invalid.cmake
             WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
    set_tests_properties(e2e_scenarios_invalid_${_n} PROPERTIES LABELS e2e TIMEOUT 120)
  endif()
endforeach()

if(EXISTS ${CMAKE_SOURCE_DIR}/data/jiayuguan/study.yaml)
  file(GLOB _xg_scenarios CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/scenarios/*.yaml)
  foreach(_f ${_xg_scenarios})
    get_filename_component(_n ${_f} NAME_WE)
    add_test(NAME e2e_scenarios_validate_${_n} COMMAND $<TARGET_FILE:xiongguan> validate ${_f}
             WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
    set_tests_properties(e2e_scenarios_validate_${_n} PROPERTIES LABELS e2e TIMEOUT 300)
  endforeach()
  add_test(NAME e2e_scenarios_default_batch
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/scenarios_scripts/default_batch.sh $<TARGET_FILE:xiongguan>
                   ${CMAKE_SOURCE_DIR}/scenarios/default_batch.yaml ${CMAKE_CURRENT_BINARY_DIR}/e2e_scenarios)
  set_tests_properties(e2e_scenarios_default_batch PROPERTIES LABELS e2e TIMEOUT 3600 RUN_SERIAL TRUE)
endif()
