# Writes the shipped label templates into a C++ include file, so the binary carries them and
# reads nothing from the source tree at run time.
#   cmake -DOUTPUT=file.inc -DTEMPLATES="a.zpl;b.zpl" -P embed_templates.cmake

set(content "// Generated from print/templates/*.zpl by print/embed_templates.cmake.\n")
string(APPEND content "struct BuiltinTemplate {\n    std::string_view name;\n")
string(APPEND content "    std::string_view text;\n};\n\n")
string(APPEND content "constexpr BuiltinTemplate kBuiltinTemplates[] = {\n")
foreach(template IN LISTS TEMPLATES)
    get_filename_component(name "${template}" NAME_WE)
    file(READ "${template}" text)
    string(FIND "${text}" ")zpl\"" clash)
    if(NOT clash EQUAL -1)
        message(FATAL_ERROR "${template} contains the raw string delimiter )zpl\"")
    endif()
    string(APPEND content "    {\"${name}\", R\"zpl(${text})zpl\"},\n")
endforeach()
string(APPEND content "};\n")
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
