#include "io/atomic_file.hpp"

#include "core/errors.hpp"

#include <openssl/evp.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <fcntl.h>
#include <unistd.h>

namespace xiongguan::io {

namespace fs = std::filesystem;

int openUnlinkedTemp(const std::string& dir, const std::string& stem, const std::string& what, std::string& path) {
    static std::atomic<unsigned> serial{0};
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        std::string name = ".";
        name.append(stem).append(".").append(std::to_string(::getpid())).append(".");
        name.append(std::to_string(serial.fetch_add(1))).append(".tmp");
        path = (std::filesystem::path(dir) / name).string();
        fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        std::string msg = what;
        msg.append(": cannot create the temporary file '").append(path).append("': ").append(std::strerror(errno));
        throw IoError(msg);
    }
    ::unlink(path.c_str());
    return fd;
}

std::string tempPathFor(const std::string& final_path) {
    // The counter keeps two threads writing the same name from sharing a temporary file.
    static std::atomic<unsigned> counter{0};
    fs::path p(final_path);
    std::string name = ".";
    name.append(p.filename().string()).append(".tmp-").append(std::to_string(::getpid())).append("-");
    name.append(std::to_string(counter.fetch_add(1)));
    return (p.parent_path() / name).string();
}

void requireParentFolder(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::is_directory(parent, ec))
        throw IoError(path + ": folder '" + parent.string() + "' does not exist (expected an existing folder)");
}

void renameInto(const std::string& from, const std::string& to) {
    if (std::rename(from.c_str(), to.c_str()) != 0)
        throw IoError("cannot rename '" + from + "' to '" + to + "': " + std::strerror(errno));
}

void writeTextFile(const std::string& path, const std::string& content) {
    const std::string tmp = tempPathFor(path);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw IoError("cannot write '" + path + "': " + std::strerror(errno));
        out << content;
        out.flush();
        if (!out) {
            removeIfExists(tmp);
            throw IoError("cannot write '" + path + "': write failed");
        }
    }
    renameInto(tmp, path);
}

void makeDirs(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw IoError("cannot create folder '" + dir + "': " + ec.message());
}

void removeIfExists(const std::string& path) {
    std::error_code ec;
    fs::remove(path, ec);
}

std::string fileSha256(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError("cannot read '" + path + "' for its checksum");
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        if (in.gcount() > 0) EVP_DigestUpdate(ctx, buf.data(), static_cast<size_t>(in.gcount()));
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

} // namespace xiongguan::io
