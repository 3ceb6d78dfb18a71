# End-to-end cases of the foundation (issue 2): `xiongguan info` and `xiongguan validate` on a tiny
# study area built here, at test time, from inline GeoJSON and ASCII grids with ogr2ogr and
# gdal_translate (GDAL's own tools, not the engine's writers).
#
#   cmake -DXG=<xiongguan> -DWORK=<scratch folder> -DCASE=<name> [-DOGR2OGR=..] [-DGDAL_TRANSLATE=..]
#         -P run_case.cmake
#
# The fixture (EPSG:4542, 20 x 10 cells of 10 m, top-left corner (440000, 4404100)):
#   boundary            boundary.gpkg: the whole grid, 200 m x 100 m = 0.02 km2
#   landuse 2021        lu2021.tif (from lu2021.asc): columns 0-9 Gobi 2307 (100 cells = 1.00 ha),
#                       columns 10-19 park 1401 in rows 0-4 (50 cells = 0.50 ha), paddy 0101 below (0.50 ha)
#   landuse 2016        lu2016.gpkg polygons only (rasterized): columns 0-9 2307 (1.00 ha), 10-19 0701 (1.00 ha)
#   ecological_redline  redline.geojson in lon/lat (EPSG:4326, reprojected on load), 2 features
#   basic_farmland      farmland.shp with GBK attributes and no .cpg, 3 features
# Every case also checks that the run left no new file in the study folder.

cmake_minimum_required(VERSION 3.25)
foreach(v XG WORK CASE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_case.cmake needs -D${v}=...")
  endif()
endforeach()
if(NOT OGR2OGR)
  set(OGR2OGR ogr2ogr)
endif()
if(NOT GDAL_TRANSLATE)
  set(GDAL_TRANSLATE gdal_translate)
endif()

set(D ${WORK}/${CASE})
file(REMOVE_RECURSE ${D})
file(MAKE_DIRECTORY ${D})

function(run)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${D} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "fixture command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

# --- fixture ------------------------------------------------------------------------------------
function(write_asc path rows_text)
  file(WRITE ${path} "ncols 20\nnrows 10\nxllcorner 440000\nyllcorner 4404000\ncellsize 10\nNODATA_value 0\n${rows_text}")
endfunction()

function(landuse_rows out left right_top right_bottom)
  set(txt "")
  foreach(r RANGE 0 9)
    set(line "")
    foreach(c RANGE 0 19)
      if(c LESS 10)
        string(APPEND line "${left} ")
      elseif(r LESS 5)
        string(APPEND line "${right_top} ")
      else()
        string(APPEND line "${right_bottom} ")
      endif()
    endforeach()
    string(APPEND txt "${line}\n")
  endforeach()
  set(${out} "${txt}" PARENT_SCOPE)
endfunction()

function(make_tif name srs rows_text)
  write_asc(${D}/${name}.asc "${rows_text}")
  run(${GDAL_TRANSLATE} -q -a_srs ${srs} -ot UInt16 -of GTiff -co TILED=YES -co COMPRESS=DEFLATE
      ${name}.asc ${name}.tif)
  file(REMOVE ${D}/${name}.asc ${D}/${name}.prj ${D}/${name}.asc.aux.xml)
endfunction()

landuse_rows(LU2021 2307 1401 101)
make_tif(lu2021 EPSG:4542 "${LU2021}")

# Projected GeoJSON sources carry no CRS; ogr2ogr -a_srs assigns it while writing the GeoPackage.
file(WRITE ${D}/boundary.json [=[
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"嘉峪关 fixture"},"geometry":{"type":"Polygon","coordinates":[[[440000,4404000],[440200,4404000],[440200,4404100],[440000,4404100],[440000,4404000]]]}}]}
]=])
run(${OGR2OGR} -f GPKG -a_srs EPSG:4542 -nln boundary boundary.gpkg boundary.json)
file(WRITE ${D}/lu2016.json [=[
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"2307"},"geometry":{"type":"Polygon","coordinates":[[[440000,4404000],[440100,4404000],[440100,4404100],[440000,4404100],[440000,4404000]]]}},
{"type":"Feature","properties":{"code":"0701"},"geometry":{"type":"Polygon","coordinates":[[[440100,4404000],[440200,4404000],[440200,4404100],[440100,4404100],[440100,4404000]]]}}]}
]=])
run(${OGR2OGR} -f GPKG -a_srs EPSG:4542 -nln landuse lu2016.gpkg lu2016.json)
# Lon/lat near (98.3, 39.768): about where the grid is.
file(WRITE ${D}/redline.geojson [=[
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"草湖","tier":"core"},"geometry":{"type":"Polygon","coordinates":[[[98.2999,39.7682],[98.3005,39.7682],[98.3005,39.7686],[98.2999,39.7686],[98.2999,39.7682]]]}},
{"type":"Feature","properties":{"name":"讨赖河","tier":"general"},"geometry":{"type":"Polygon","coordinates":[[[98.3006,39.7682],[98.3008,39.7682],[98.3008,39.7684],[98.3006,39.7682]]]}}]}
]=])
file(WRITE ${D}/farmland.json [=[
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"永久基本农田一号"},"geometry":{"type":"Polygon","coordinates":[[[440110,4404010],[440150,4404010],[440150,4404040],[440110,4404010]]]}},
{"type":"Feature","properties":{"name":"永久基本农田二号"},"geometry":{"type":"Polygon","coordinates":[[[440160,4404010],[440190,4404010],[440190,4404040],[440160,4404010]]]}},
{"type":"Feature","properties":{"name":"plain"},"geometry":{"type":"Polygon","coordinates":[[[440110,4404050],[440130,4404050],[440130,4404060],[440110,4404050]]]}}]}
]=])
run(${OGR2OGR} -f "ESRI Shapefile" -a_srs EPSG:4542 -lco ENCODING=CP936 farmland.shp farmland.json)
file(REMOVE ${D}/farmland.cpg ${D}/boundary.json ${D}/lu2016.json ${D}/farmland.json)

set(STUDY_HEAD [=[
name: fixture
title: "Foundation e2e fixture"
crs: EPSG:4542
grid: {origin_x: 440000, origin_y: 4404100, cell_size_m: 10, cols: 20, rows: 10}
]=])
set(STUDY_CLASSES [=[
classes:
  - {code: "0101", name: "Paddy (水田)", colour: "#f5e28a", group: farmland}
  - {code: "0701", name: "Urban residential (城镇住宅用地)", colour: "#f4a460", group: built}
  - {code: "1401", name: "Park (公园绿地)", colour: "#36b04a", group: green}
  - {code: "2307", name: "Gobi (裸岩石砾地)", colour: "#bdb3a1", group: bare}
]=])
set(LU2021_LINE "    2021: {file: lu2021.tif}\n")
set(REDLINE_LINE "  ecological_redline: {file: redline.geojson}\n")
set(EXTRA_HEAD "")

# --- per-case changes to the fixture --------------------------------------------------------------
set(EXPECT_RC 0)
set(EXPECT_TEXT "")
set(XG_CMD validate)
if(CASE STREQUAL "info_table")
  set(XG_CMD info)
elseif(CASE STREQUAL "info_json")
  set(XG_CMD info --json)
elseif(CASE STREQUAL "info_threads")
  set(XG_CMD --threads 1 info --json)
elseif(CASE STREQUAL "validate_ok")
  set(EXPECT_TEXT "\"valid\": true")
elseif(CASE STREQUAL "wrong_crs")
  file(REMOVE ${D}/lu2021.tif)
  make_tif(lu2021 EPSG:32647 "${LU2021}")
  set(EXPECT_RC 4)
  set(EXPECT_TEXT "lu2021.tif: raster is on EPSG:32647" "expected the study grid EPSG:4542")
elseif(CASE STREQUAL "wrong_grid" OR CASE STREQUAL "wrong_grid_resampled")
  # 20 m cells: 10 x 5 cells over the same extent.
  file(REMOVE ${D}/lu2021.tif)
  set(rows "")
  foreach(r RANGE 0 4)
    string(APPEND rows "2307 2307 2307 2307 2307 1401 1401 1401 1401 1401\n")
  endforeach()
  file(WRITE ${D}/lu2021.asc "ncols 10\nnrows 5\nxllcorner 440000\nyllcorner 4404000\ncellsize 20\nNODATA_value 0\n${rows}")
  run(${GDAL_TRANSLATE} -q -a_srs EPSG:4542 -ot UInt16 lu2021.asc lu2021.tif)
  file(REMOVE ${D}/lu2021.asc ${D}/lu2021.prj)
  if(CASE STREQUAL "wrong_grid")
    set(EXPECT_RC 4)
    set(EXPECT_TEXT "10x5 cells of 20 m" "expected the study grid EPSG:4542, 20x10 cells of 10 m")
  else()
    set(LU2021_LINE "    2021: {file: lu2021.tif, resample: nearest}\n")
    set(EXPECT_TEXT "\"valid\": true")
  endif()
elseif(CASE STREQUAL "invalid_polygon" OR CASE STREQUAL "invalid_polygon_repair")
  # A bow-tie whose edges cross at (98.3002, 39.7684).
  file(WRITE ${D}/redline.geojson [=[
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"bowtie","tier":"core"},"geometry":{"type":"Polygon","coordinates":[[[98.3000,39.7682],[98.3004,39.7686],[98.3004,39.7682],[98.3000,39.7686],[98.3000,39.7682]]]}}]}
]=])
  if(CASE STREQUAL "invalid_polygon")
    set(EXPECT_RC 5)
    set(EXPECT_TEXT "redline.geojson: feature 0 of layer 'ecological_redline' is an invalid polygon: Self-intersection[")
  else()
    set(EXTRA_HEAD "invalid_geometry: repair\n")
    set(EXPECT_TEXT "\"valid\": true" "repaired with MakeValid (Self-intersection[")
  endif()
elseif(CASE STREQUAL "missing_prj")
  file(REMOVE ${D}/farmland.prj)
  set(EXPECT_RC 4)
  set(EXPECT_TEXT "farmland.shp: layer 'basic_farmland' has no CRS")
elseif(CASE STREQUAL "missing_dbf")
  file(REMOVE ${D}/farmland.dbf)
  set(EXPECT_RC 4)
  set(EXPECT_TEXT "farmland.shp: the shapefile's .dbf is missing")
elseif(CASE STREQUAL "truncated_tif")
  file(SIZE ${D}/lu2021.tif size)
  math(EXPR half "${size} / 2")
  run(sh -c "head -c ${half} lu2021.tif > cut.tmp && mv cut.tmp lu2021.tif")
  set(EXPECT_RC 6)
  set(EXPECT_TEXT "lu2021.tif")
elseif(CASE STREQUAL "unknown_code_raster")
  landuse_rows(bad 2307 1401 999)
  file(REMOVE ${D}/lu2021.tif)
  make_tif(lu2021 EPSG:4542 "${bad}")
  set(EXPECT_RC 4)
  set(EXPECT_TEXT "lu2021.tif: cell (col 10, row 5) at (440105.0, 4404045.0) has class value 999")
elseif(CASE STREQUAL "unknown_code_polygon")
  file(REMOVE ${D}/lu2016.gpkg)
  file(WRITE ${D}/lu2016.json [=[
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"2307"},"geometry":{"type":"Polygon","coordinates":[[[440000,4404000],[440100,4404000],[440100,4404100],[440000,4404100],[440000,4404000]]]}},
{"type":"Feature","properties":{"code":"0799"},"geometry":{"type":"Polygon","coordinates":[[[440100,4404000],[440200,4404000],[440200,4404100],[440100,4404100],[440100,4404000]]]}}]}
]=])
  run(${OGR2OGR} -f GPKG -a_srs EPSG:4542 -nln landuse lu2016.gpkg lu2016.json)
  file(REMOVE ${D}/lu2016.json)
  set(EXPECT_RC 4)
  set(EXPECT_TEXT "lu2016.gpkg: feature 2 has class code '0799', which is not in the study's class table")
elseif(CASE STREQUAL "unknown_key")
  set(EXTRA_HEAD "colour_ramp: viridis\n")
  set(EXPECT_RC 3)
  set(EXPECT_TEXT "study.yaml:5: key 'colour_ramp' is not known in the study file")
elseif(CASE STREQUAL "missing_study")
  set(EXPECT_RC 6)
  set(EXPECT_TEXT "nostudy.yaml")
else()
  message(FATAL_ERROR "unknown case '${CASE}'")
endif()

file(WRITE ${D}/study.yaml "${STUDY_HEAD}${EXTRA_HEAD}${STUDY_CLASSES}layers:\n"
     "  boundary: {file: boundary.gpkg}\n"
     "  landuse:\n"
     "    2016: {polygons: lu2016.gpkg, code_field: code}\n"
     "${LU2021_LINE}"
     "${REDLINE_LINE}"
     "  basic_farmland: {file: farmland.shp}\n")

# --- run ----------------------------------------------------------------------------------------
set(study ${D}/study.yaml)
if(CASE STREQUAL "missing_study")
  set(study ${D}/nostudy.yaml)
endif()
file(GLOB_RECURSE before RELATIVE ${D} ${D}/*)
list(SORT before)
execute_process(COMMAND ${XG} ${XG_CMD} ${study} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(GLOB_RECURSE after RELATIVE ${D} ${D}/*)
list(SORT after)
message(STATUS "exit ${rc}\n--- stdout\n${out}\n--- stderr\n${err}")
if(NOT "${before}" STREQUAL "${after}")
  message(FATAL_ERROR "files changed in ${D}: before [${before}] after [${after}]")
endif()
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "${CASE}: exit code ${rc}, expected ${EXPECT_RC}")
endif()
foreach(t IN LISTS EXPECT_TEXT)
  string(FIND "${out}${err}" "${t}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${CASE}: output lacks '${t}'")
  endif()
endforeach()
if(NOT EXPECT_RC EQUAL 0)
  # One error line on stderr, and for validate the same in JSON with valid: false.
  string(REGEX MATCHALL "(^|\n)error: " lines "${err}")
  list(LENGTH lines nlines)
  if(NOT nlines EQUAL 1)
    message(FATAL_ERROR "${CASE}: expected exactly one 'error:' line on stderr, got ${nlines}")
  endif()
  if(XG_CMD STREQUAL "validate")
    string(JSON valid GET "${out}" valid)
    if(valid)
      message(FATAL_ERROR "${CASE}: validate printed valid: ${valid}")
    endif()
  endif()
endif()

if(CASE STREQUAL "info_threads")
  # The same study at 2 threads prints the same JSON, byte for byte.
  execute_process(COMMAND ${XG} --threads 2 info --json ${study} RESULT_VARIABLE rc2 OUTPUT_VARIABLE out2 ERROR_QUIET)
  if(NOT rc2 EQUAL 0 OR NOT out STREQUAL out2)
    message(FATAL_ERROR "info --json differs between --threads 1 and --threads 2 (exit ${rc2})")
  endif()
endif()

# --- info checks (hand-computed from the fixture above) -------------------------------------------
# CMake has no floating point: compare numbers with awk (POSIX, in every Debian base system).
function(expect_near what got want tol)
  string(REGEX MATCH "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$" ok "${got}")
  if(NOT ok)
    message(FATAL_ERROR "${what}: '${got}' is not a number")
  endif()
  execute_process(COMMAND awk "BEGIN{d=(${got})-(${want}); if(d<0)d=-d; exit (d<=${tol})?0:1}" RESULT_VARIABLE r)
  if(NOT r EQUAL 0)
    message(FATAL_ERROR "${what}: got ${got}, expected ${want} +- ${tol}")
  endif()
endfunction()

function(class_cells json year code out_cells out_ha)
  string(JSON n LENGTH "${json}" classes_ha ${year})
  math(EXPR last "${n} - 1")
  foreach(i RANGE 0 ${last})
    string(JSON c GET "${json}" classes_ha ${year} ${i} code)
    if(c STREQUAL code)
      string(JSON cells GET "${json}" classes_ha ${year} ${i} cells)
      string(JSON ha GET "${json}" classes_ha ${year} ${i} hectares)
      set(${out_cells} ${cells} PARENT_SCOPE)
      set(${out_ha} ${ha} PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "class ${code} not in classes_ha ${year}")
endfunction()

if(CASE STREQUAL "info_json")
  string(JSON area GET "${out}" boundary_area_km2)
  expect_near("boundary_area_km2" "${area}" 0.02 1e-9) # 200 m x 100 m
  string(JSON crs GET "${out}" crs)
  if(NOT crs STREQUAL "EPSG:4542")
    message(FATAL_ERROR "crs ${crs}")
  endif()
  # Layers: two land-use years, boundary, red line, farmland; counts and CRS as in the files.
  string(JSON nl LENGTH "${out}" layers)
  math(EXPR last "${nl} - 1")
  set(seen "")
  foreach(i RANGE 0 ${last})
    string(JSON role GET "${out}" layers ${i} role)
    string(JSON lcrs GET "${out}" layers ${i} crs)
    list(APPEND seen "${role}")
    if(role STREQUAL "landuse 2021")
      string(JSON cells GET "${out}" layers ${i} cells)
      set(want_n 200)
      set(got_n ${cells})
      set(want_crs EPSG:4542)
    else()
      string(JSON got_n GET "${out}" layers ${i} features)
      set(want_crs EPSG:4542)
      if(role STREQUAL "boundary")
        set(want_n 1)
      elseif(role STREQUAL "landuse 2016")
        set(want_n 2)
      elseif(role STREQUAL "ecological_redline")
        set(want_n 2)
        set(want_crs EPSG:4326)
      elseif(role STREQUAL "basic_farmland")
        set(want_n 3)
      else()
        message(FATAL_ERROR "unexpected layer ${role}")
      endif()
    endif()
    if(NOT got_n EQUAL want_n OR NOT lcrs STREQUAL want_crs)
      message(FATAL_ERROR "layer ${role}: ${got_n} items in ${lcrs}, expected ${want_n} in ${want_crs}")
    endif()
  endforeach()
  foreach(r "landuse 2016" "landuse 2021" boundary ecological_redline basic_farmland)
    if(NOT r IN_LIST seen)
      message(FATAL_ERROR "layer ${r} not listed (${seen})")
    endif()
  endforeach()
  # Class areas: 1 cell = 100 m2 = 0.01 ha.
  foreach(spec "2021;2307;100;1.0" "2021;1401;50;0.5" "2021;0101;50;0.5" "2021;0701;0;0"
               "2016;2307;100;1.0" "2016;0701;100;1.0" "2016;1401;0;0")
    list(GET spec 0 year)
    list(GET spec 1 code)
    list(GET spec 2 want_cells)
    list(GET spec 3 want_ha)
    class_cells("${out}" ${year} ${code} cells ha)
    if(NOT cells EQUAL want_cells)
      message(FATAL_ERROR "${year} class ${code}: ${cells} cells, expected ${want_cells}")
    endif()
    expect_near("${year} class ${code} ha" "${ha}" ${want_ha} 1e-9)
  endforeach()
elseif(CASE STREQUAL "info_table")
  foreach(t "crs        EPSG:4542" "grid       20 x 10 cells of 10 m" "land area  0.02 km2"
            "landuse 2021" "lu2021.tif" "farmland.shp" "EPSG:4326" "land use 2016 (ha)" "land use 2021 (ha)"
            "公园绿地")
    string(FIND "${out}" "${t}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "info table lacks '${t}'")
    endif()
  endforeach()
  # The 2021 histogram: Gobi 1.00 ha, park 0.50 ha, paddy 0.50 ha.
  foreach(re "2307 +1\\.00 +" "1401 +0\\.50 +" "0101 +0\\.50 +")
    string(REGEX MATCH "land use 2021 \\(ha\\)[^\n]*\n(.*)" tail "${out}")
    string(REGEX MATCH "${re}" m "${tail}")
    if(m STREQUAL "")
      message(FATAL_ERROR "info table: no line matching '${re}' after 'land use 2021 (ha)'")
    endif()
  endforeach()
endif()
