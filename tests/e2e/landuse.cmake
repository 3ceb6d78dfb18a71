# End-to-end test of models.landuse_ca on the shipped study (issue 6).
# Included by tests/CMakeLists.txt (adds the test); run by ctest in script mode (-P) with XG, SRC, OUT.
# It runs `xiongguan simulate` on scenarios/compact_growth_2026.yaml on a 60 m grid (the 10 m study
# resampled by mode, ~0.6 M cells, to stay well under two minutes in CI) with --validate, once with
# --threads 1 and once with --threads 2, and requires identical outputs.
if(NOT CMAKE_SCRIPT_MODE_FILE)
  add_test(NAME e2e_landuse_compact_growth
           COMMAND ${CMAKE_COMMAND} -DXG=$<TARGET_FILE:xiongguan> -DSRC=${CMAKE_SOURCE_DIR}
                   -DOUT=${CMAKE_CURRENT_BINARY_DIR}/e2e_landuse -P ${CMAKE_CURRENT_LIST_FILE})
  set_tests_properties(e2e_landuse_compact_growth PROPERTIES LABELS e2e TIMEOUT 300)
  return()
endif()

if(NOT EXISTS ${SRC}/data/jiayuguan/study.yaml)
  message(STATUS "skipped: data/jiayuguan/study.yaml is not there")
  return()
endif()
file(REMOVE_RECURSE ${OUT})
foreach(t 1 2)
  execute_process(COMMAND ${XG} --threads ${t} -l warning simulate ${SRC}/scenarios/compact_growth_2026.yaml
                          -o ${OUT}/t${t} --cell-size 60 --validate --seed 7
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "simulate --threads ${t} exited with ${rc}:\n${err}")
  endif()
endforeach()
set(run1 ${OUT}/t1/compact_growth_2026)
set(run2 ${OUT}/t2/compact_growth_2026)
set(files landuse_2022.tif landuse_2023.tif landuse_2024.tif landuse_2025.tif landuse_2026.tif
          change_2021_2026.tif landuse_hindcast_2021.tif new_patches.shp new_patches.dbf new_patches.prj)
foreach(f ${files})
  if(NOT EXISTS ${run1}/${f})
    message(FATAL_ERROR "missing output ${run1}/${f}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${run1}/${f} ${run2}/${f} RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "${f} differs between --threads 1 and --threads 2")
  endif()
endforeach()
file(READ ${run1}/metrics.json metrics)
string(JSON fom GET "${metrics}" metrics models.landuse_ca hindcast figure_of_merit value)
string(JSON fom0 GET "${metrics}" metrics models.landuse_ca hindcast figure_of_merit null_model)
string(JSON redline GET "${metrics}" metrics models.landuse_ca years 2026 compliance construction_in_red_line_ha)
message(STATUS "hindcast FoM ${fom} (null model ${fom0}); construction in the red line 2026: ${redline} ha")
if(fom LESS_EQUAL fom0)
  message(FATAL_ERROR "hindcast FoM ${fom} is not above the null model's ${fom0}")
endif()

# cell_size_m: the scenario asks for a 30 m model grid on the 10 m study (no --cell-size): the
# outputs and metrics are on 30 m (the 10 m extent 5790 x 3870 rounded up: 1930 x 1290 cells), and the
# simulated maps are not the run's land use.
execute_process(COMMAND ${XG} -l warning simulate ${SRC}/scenarios/compact_growth_2026.yaml -o ${OUT}/c30 --seed 7
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "simulate with cell_size_m 30 exited with ${rc}:\n${err}")
endif()
file(READ ${OUT}/c30/compact_growth_2026/metrics.json m30)
string(JSON gcols GET "${m30}" metrics models.landuse_ca grid cols)
string(JSON grows GET "${m30}" metrics models.landuse_ca grid rows)
string(JSON gcell GET "${m30}" metrics models.landuse_ca grid cell_size_m)
string(JSON gon GET "${m30}" metrics models.landuse_ca grid on_study_grid)
if(NOT gcols EQUAL 1930 OR NOT grows EQUAL 1290 OR NOT gcell EQUAL 30 OR gon)
  message(FATAL_ERROR "cell_size_m 30: model grid ${gcols} x ${grows} at ${gcell} m (on study grid: ${gon}); expected 1930 x 1290 at 30 m, not on the study grid")
endif()
if(NOT EXISTS ${OUT}/c30/compact_growth_2026/landuse_2026.tif)
  message(FATAL_ERROR "cell_size_m 30: landuse_2026.tif missing")
endif()
