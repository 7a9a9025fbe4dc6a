// The one CSV writer (RFC 4180) and complete-or-absent output files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "hw/config/output_file.h"
#include "testbench/csv_writer.h"

using namespace planaria;

TEST_CASE("csv writer: RFC 4180 quoting and LF records", "[csv]") {
    CsvWriter csv({"name", "value"});
    csv.row({"plain", "1"});
    csv.row({"with,comma", "say \"hi\""});
    csv.row({"line\nbreak", "cr\rhere"});
    csv.record("mixed", 2.5);
    CHECK(csv.text() ==
          "name,value\n"
          "plain,1\n"
          "\"with,comma\",\"say \"\"hi\"\"\"\n"
          "\"line\nbreak\",\"cr\rhere\"\n"
          "mixed,2.5\n");
}

TEST_CASE("csv writer: numbers at the writer's precision", "[csv]") {
    CsvWriter six({"x"}), ten({"x"}, 10);
    six.record(1.0 / 3);
    ten.record(1.0 / 3, 7u);
    CHECK(six.text() == "x\n0.333333\n");
    CHECK(ten.text() == "x\n0.3333333333,7\n");
}

TEST_CASE("output files: written whole and renamed into place, a failed write throws", "[csv][output]") {
    const auto dir = std::filesystem::temp_directory_path() / ("planaria-output-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "a.csv").string();
    write_file_atomically(path, "old\n");
    write_file_atomically(path, "new\n");
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == "new\n");
    // Only the final file: no temporary left beside it.
    CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}) == 1);
    // A folder that does not exist, and a full disk.
    CHECK_THROWS_WITH(write_file_atomically((dir / "missing" / "b.csv").string(), "x"),
                      Catch::Contains("b.csv") && Catch::Contains("cannot open"));
    if (std::filesystem::is_character_file("/dev/full"))  // a container may lack the device
        CHECK_THROWS_WITH(CsvWriter({"x"}).write("/dev/full"), Catch::Contains("/dev/full"));
    std::filesystem::remove_all(dir);
}
