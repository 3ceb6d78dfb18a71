# Foundation (issue 2) end-to-end tests: `xiongguan info` and `xiongguan validate` on a tiny study
# built at test time by tests/e2e/foundation_scripts/run_case.cmake (with ogr2ogr/gdal_translate),
# one test per case, and on the shipped Jiayuguan study when it is present.
find_program(XG_OGR2OGR ogr2ogr)
find_program(XG_GDAL_TRANSLATE gdal_translate)
if(NOT XG_OGR2OGR OR NOT XG_GDAL_TRANSLATE)
  message(WARNING "foundation e2e tests need ogr2ogr and gdal_translate (Debian package gdal-bin): skipped")
else()
  set(_fnd_cases info_table info_json info_threads validate_ok wrong_crs wrong_grid wrong_grid_resampled invalid_polygon
      invalid_polygon_repair missing_prj missing_dbf truncated_tif unknown_code_raster unknown_code_polygon
      unknown_key missing_study)
  foreach(_case ${_fnd_cases})
    add_test(NAME e2e_foundation_${_case}
             COMMAND ${CMAKE_COMMAND} -DXG=$<TARGET_FILE:xiongguan> -DWORK=${CMAKE_CURRENT_BINARY_DIR}/e2e_foundation
                     -DCASE=${_case} -DOGR2OGR=${XG_OGR2OGR} -DGDAL_TRANSLATE=${XG_GDAL_TRANSLATE}
                     -P ${CMAKE_CURRENT_SOURCE_DIR}/e2e/foundation_scripts/run_case.cmake)
    set_tests_properties(e2e_foundation_${_case} PROPERTIES LABELS e2e TIMEOUT 120)
  endforeach()
endif()

# The shipped study area: every layer listed, boundary 1,224.8 km2 +- 1 %, validate passes.
if(EXISTS ${CMAKE_SOURCE_DIR}/data/jiayuguan/study.yaml)
  add_test(NAME e2e_foundation_jiayuguan_info
           COMMAND ${CMAKE_COMMAND} -DXG=$<TARGET_FILE:xiongguan> -DSTUDY=${CMAKE_SOURCE_DIR}/data/jiayuguan/study.yaml
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/e2e/foundation_scripts/jiayuguan_info.cmake)
  set_tests_properties(e2e_foundation_jiayuguan_info PROPERTIES LABELS e2e TIMEOUT 300)
endif()
