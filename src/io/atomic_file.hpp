#pragma once

#include <string>
#include <vector>

namespace xiongguan::io {

/// Temporary name beside `final_path` ("<dir>/.<name>.tmp-<pid>-<n>", n unique in the process),
/// for write-then-rename.
std::string tempPathFor(const std::string& final_path);

/// A scratch file of the process in `dir` (".<stem>.<pid>.<n>.tmp"), created exclusively, opened
/// read-write and unlinked at once: its data lives until the returned descriptor is closed, and
/// nothing is left behind if the process dies. `what` names the file in the IoError thrown when it
/// cannot be made; `path` gets the name it had.
int openUnlinkedTemp(const std::string& dir, const std::string& stem, const std::string& what, std::string& path);

/// Throws IoError "<path>: folder '<dir>' does not exist" unless the folder that will hold `path`
/// exists. Writers call it first so that a failed write creates nothing.
void requireParentFolder(const std::string& path);

/// Renames `from` to `to` (same filesystem); throws IoError naming both on failure.
void renameInto(const std::string& from, const std::string& to);

/// Writes `content` to `path` atomically (temporary file, then rename).
void writeTextFile(const std::string& path, const std::string& content);

/// Creates a directory and its parents; throws IoError on failure.
void makeDirs(const std::string& dir);

/// Removes a file if it exists (no error when missing).
void removeIfExists(const std::string& path);

/// SHA-256 of a file, hex; throws IoError when unreadable.
std::string fileSha256(const std::string& path);

} // namespace xiongguan::io
