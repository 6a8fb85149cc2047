# PoDoFo 0.9.8 cannot subset a TrueType collection (.ttc): extract face 0 of each collection to a
# plain .ttf at build time with fontTools (Debian: python3-fonttools).
# Debian's interpreter, where python3-fonttools lives (a pyenv python3 on PATH would lack it).
find_program(PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
set(SEALFLOW_SANS_TTC /usr/share/fonts/truetype/wqy/wqy-microhei.ttc)
set(SEALFLOW_SONG_TTC /usr/share/fonts/truetype/arphic/uming.ttc)
foreach(ttc IN ITEMS SANS SONG)
  if(NOT EXISTS ${SEALFLOW_${ttc}_TTC})
    message(FATAL_ERROR "Font ${SEALFLOW_${ttc}_TTC} is missing: run tools/check or tools/up "
                        "(packages fonts-wqy-microhei and fonts-arphic-uming).")
  endif()
endforeach()
set(SEALFLOW_SANS_TTF ${SEALFLOW_FONT_DIR}/wqy-microhei.ttf)
set(SEALFLOW_SONG_TTF ${SEALFLOW_FONT_DIR}/uming.ttf)
add_custom_command(
  OUTPUT ${SEALFLOW_SANS_TTF} ${SEALFLOW_SONG_TTF}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${SEALFLOW_FONT_DIR}
  COMMAND ${PYTHON3} ${CMAKE_SOURCE_DIR}/tools/extract-font-face ${SEALFLOW_SANS_TTC} ${SEALFLOW_SANS_TTF}
  COMMAND ${PYTHON3} ${CMAKE_SOURCE_DIR}/tools/extract-font-face ${SEALFLOW_SONG_TTC} ${SEALFLOW_SONG_TTF}
  DEPENDS ${CMAKE_SOURCE_DIR}/tools/extract-font-face
  COMMENT "Extracting TrueType faces from the CJK font collections")
add_custom_target(sealflow_fonts ALL DEPENDS ${SEALFLOW_SANS_TTF} ${SEALFLOW_SONG_TTF})
