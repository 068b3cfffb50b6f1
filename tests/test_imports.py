"""CSV imports: flask import-stations / import-departments, line-numbered errors, all or nothing."""
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callin.extensions import db
from callin.models import Department, Station
from callin.services import demo

SAMPLES = Path(__file__).resolve().parent.parent / "docs" / "samples"
HEADER = "code,name,town,community,contact_name,contact_phone\n"


def count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def station(code):
    db.session.expire_all()
    return db.session.scalars(select(Station).where(Station.code == code)).first()


@pytest.fixture
def run(app, tmp_path):
    """run(command, content, *options): write the CSV (text as UTF-8, or bytes) and import it."""
    def invoke(command, content, *options):
        path = tmp_path / "import.csv"
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return app.test_cli_runner().invoke(args=[command, str(path), *options])
    return invoke


def bad_lines(output):
    """{line number: [problems]} as the command printed them."""
    found = {}
    for number, problem in re.findall(r"^line (\d+): (.*)$", output, re.M):
        found.setdefault(int(number), []).append(problem)
    return found


GOOD = HEADER + ("MZ-DP,东坡社区联络站,密州街道,东坡社区,张秀英,13853612001\n"
                 "LD-LC,龙城社区联络站,龙都街道,龙城社区,王立新,0536-6012003\n"
                 "MZ-X,密州街道联络站,密州街道,,,\n")


def test_a_good_file_loads_every_station(run, ref):
    result = run("import-stations", GOOD)
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated" in result.output
    dp = station("MZ-DP")
    assert (dp.name, dp.town_id, dp.community_id) == ("东坡社区联络站", ref.town_a.id,
                                                      ref.community_a.id)
    assert dp.contact_phone == "+8613853612001" and dp.is_active
    assert station("LD-LC").contact_phone == "+865366012003"
    assert station("MZ-X").community_id is None and station("MZ-X").contact_phone is None


def test_the_sample_files_load_into_the_demo_reference(run, app):
    demo.load_reference()
    stations = run("import-stations", (SAMPLES / "stations.csv").read_bytes())
    assert stations.exit_code == 0, stations.output
    assert count(Station) == len((SAMPLES / "stations.csv").read_text().splitlines()) - 1
    departments = run("import-departments", (SAMPLES / "departments.csv").read_bytes())
    assert departments.exit_code == 0 and "0 created, 0 updated" in departments.output


BAD = HEADER + ("MZ-DP,东坡社区联络站,密州街道,东坡社区,张秀英,13853612001\n"   # 2 good
                "MZ-DP,重复的站,密州街道,,,\n"                                # 3 duplicate code
                "A1,某站,不存在镇,,,\n"                                      # 4 unknown town
                "A2,某站,龙都街道,东坡社区,,\n"                               # 5 not in the town
                "A3,某站,密州街道,,,12345\n"                                 # 6 bad phone
                "\n"                                                          # 7 blank: ignored
                ",,密州街道,,,\n"                                             # 8 no code, no name
                "A4,某站,密州街道\n"                                          # 9 too few fields
                "LD-LC,龙城社区联络站,龙都街道,龙城社区,,\n")                  # 10 good


def test_a_file_with_errors_loads_nothing_and_lists_every_bad_line(run, ref):
    result = run("import-stations", BAD)
    assert result.exit_code != 0
    lines = bad_lines(result.output)
    assert sorted(lines) == [3, 4, 5, 6, 8, 9]
    assert "已在第 2 行出现" in lines[3][0]
    assert "不存在镇" in lines[4][0]
    assert "东坡社区 不属于 龙都街道" in lines[5][0]
    assert "12345" in lines[6][0]
    assert len(lines[8]) == 2  # code and name both empty: both said
    assert "nothing was loaded" in result.output
    assert count(Station) == 0


def test_skip_bad_loads_the_good_lines_and_still_lists_the_bad(run, ref):
    result = run("import-stations", BAD, "--skip-bad")
    assert result.exit_code == 0, result.output
    assert sorted(bad_lines(result.output)) == [3, 4, 5, 6, 8, 9]
    assert "2 created, 0 updated, 0 unchanged, 6 skipped" in result.output
    assert {s.code for s in db.session.scalars(select(Station))} == {"MZ-DP", "LD-LC"}
    assert station("MZ-DP").name == "东坡社区联络站"  # the first of the duplicated code


def test_excel_utf8_with_a_bom_loads(run, ref):
    result = run("import-stations", b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert count(Station) == 3 and station("MZ-DP").name == "东坡社区联络站"


def test_gbk_from_chinese_excel_loads(run, ref):
    result = run("import-stations", GOOD.replace("\n", "\r\n").encode("gbk"))
    assert result.exit_code == 0, result.output
    assert station("LD-LC").name == "龙城社区联络站" and station("LD-LC").town_id == ref.town_b.id


def test_bytes_that_are_no_text_are_refused(run, ref):
    result = run("import-stations", b"\xff\xfe\x00\x81\x00\xff" * 10)
    assert result.exit_code != 0 and "UTF-8" in result.output and count(Station) == 0


@pytest.mark.parametrize("content, words", [
    ("", "需要表头行"),
    ("code,name\nA,B\n", "缺少列 town"),
    ("code,name,town,fax\nA,B,密州街道,1\n", "未知的列 fax"),
    ("code,name,town,town\nA,B,C,D\n", "列 town 重复出现"),
])
def test_a_bad_header_is_reported_in_chinese_and_nothing_loaded(run, ref, content, words):
    result = run("import-stations", content)
    assert result.exit_code != 0 and words in result.output
    assert count(Station) == 0


def test_columns_may_come_in_any_order_and_optional_ones_be_left_out(run, ref):
    result = run("import-stations", "town,code,name\n密州街道,MZ-1,一站\n")
    assert result.exit_code == 0, result.output
    assert station("MZ-1").town_id == ref.town_a.id


def test_reimporting_updates_instead_of_duplicating(run, ref):
    run("import-stations", GOOD)
    changed = GOOD.replace("东坡社区联络站,密州街道,东坡社区,张秀英", "东坡联络站,密州街道,东坡社区,李四")
    result = run("import-stations", changed)
    assert result.exit_code == 0, result.output
    assert "0 created, 1 updated, 2 unchanged" in result.output
    assert count(Station) == 3
    assert (station("MZ-DP").name, station("MZ-DP").contact_name) == ("东坡联络站", "李四")


def test_dry_run_writes_nothing(run, ref):
    result = run("import-stations", GOOD, "--dry-run")
    assert result.exit_code == 0 and "3 created" in result.output and "dry run" in result.output
    assert count(Station) == 0
    run("import-stations", GOOD)
    changed = GOOD.replace("龙城社区联络站", "龙城新站")
    assert "1 updated" in run("import-stations", changed, "--dry-run").output
    assert station("LD-LC").name == "龙城社区联络站"


# ---- departments ----

def test_departments_load_and_update_by_code(run, ref):
    result = run("import-departments", "code,name,kind\ngas,诸城市燃气有限公司,utility\n"
                                        "heating,诸城市热力集团,utility\n")
    assert result.exit_code == 0, result.output
    assert "1 created, 1 updated" in result.output
    db.session.expire_all()
    assert ref.dept_a.name == "诸城市热力集团"
    assert count(Department) == 3


def test_department_errors_are_listed_by_line(run, ref):
    content = ("code,name,kind\n"
               "civil,诸城市民政局,ministry\n"            # 2 unknown kind
               "water2,诸城市自来水公司,utility\n"         # 3 name of department "water"
               "civil2,诸城市民政局二,\n"                  # 4 empty kind
               "civil2,诸城市民政局三,bureau\n"            # 5 duplicate code
               "ok,诸城市统计局,bureau\n")                 # 6 good
    result = run("import-departments", content)
    assert result.exit_code != 0
    lines = bad_lines(result.output)
    assert sorted(lines) == [2, 3, 4, 5]
    assert "ministry" in lines[2][0] and "water" in lines[3][0]
    assert count(Department) == 2
    skipped = run("import-departments", content, "--skip-bad")
    assert skipped.exit_code == 0 and "1 created" in skipped.output
    assert count(Department, Department.code == "ok") == 1


def test_two_departments_may_swap_names_in_one_file(run, ref):
    swap = ("code,name,kind\nheating,诸城市自来水公司,utility\n"
            "water,诸城市热力有限公司,utility\n")
    result = run("import-departments", swap)
    # names are unique in the database, so the swap is refused whole, never half-done
    assert count(Department, Department.code == "heating",
                 Department.name == "诸城市热力有限公司") == 1
    assert result.exit_code != 0
