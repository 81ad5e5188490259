#include "report/study_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace equalis::report {
namespace {

struct Entry {
  std::string en;
  std::string zh;
};

// Sentences are fmt patterns; their arguments are named in the renderer (study_html.cpp).
const std::map<std::string, Entry, std::less<>>& table() {
  static const std::map<std::string, Entry, std::less<>> t{
      // The page
      {"report", {"Study report", "研究报告"}},
      {"generated_by", {"Made by equalis {version}", "由 equalis {version} 生成"}},
      {"contents", {"Contents", "目录"}},
      {"summary", {"What the study finds", "主要发现"}},
      {"no_findings",
       {"The study's inputs support no summary finding.", "本研究的输入数据不足以得出摘要结论。"}},
      {"data_table", {"Data table", "数据表"}},
      {"print_note",
       {"This report is one file: it works offline and prints to PDF from the browser.",
        "本报告为单一文件，可离线使用，并可通过浏览器打印为 PDF。"}},
      // Sections
      {"sec_access", {"Access by group", "各群体的可达性"}},
      {"sec_maps", {"Maps of access", "可达性地图"}},
      {"sec_channels", {"Access through every channel", "各渠道的可达性"}},
      {"sec_lorenz", {"Lorenz curves of access", "可达性洛伦兹曲线"}},
      {"sec_decomposition", {"Between and within groups", "组间与组内不平等"}},
      {"sec_scenarios", {"Scenarios against today", "情景与现状对比"}},
      {"sec_journeys", {"Journeys: can people finish a matter?", "办事流程：能否办成一件事？"}},
      {"sec_convergence", {"Convergence over time", "随时间的收敛"}},
      {"sec_composite", {"Composite index", "综合指数"}},
      {"sec_plan", {"The plan: efficient and fair", "规划：效率与公平"}},
      {"sec_audit", {"Audit of decisions", "决策审计"}},
      {"sec_recipe", {"Recipe: inputs and defaults", "配方：输入与默认值"}},
      // Common labels
      {"group", {"Group", "群体"}},
      {"all", {"Everyone", "全体"}},
      {"people", {"People", "人数"}},
      {"mean", {"Mean", "均值"}},
      {"minimum", {"Minimum", "最小值"}},
      {"maximum", {"Maximum", "最大值"}},
      {"share", {"Share", "比例"}},
      {"value", {"Value", "数值"}},
      {"zone", {"Zone", "区域"}},
      {"measure", {"Measure", "指标"}},
      {"before", {"Before", "之前"}},
      {"after", {"After", "之后"}},
      {"change", {"Change", "变化"}},
      {"year", {"Year", "年份"}},
      {"unit", {"Unit", "单位"}},
      {"note", {"Note", "说明"}},
      {"yes", {"yes", "是"}},
      {"no", {"no", "否"}},
      {"none", {"none", "无"}},
      {"no_value", {"No value", "无数据"}},
      {"lower_is_better", {"Lower is better", "越低越好"}},
      {"higher_is_better", {"Higher is better", "越高越好"}},
      // Access
      {"access_intro",
       {"Mean access per group, weighted by people. {direction}.",
        "各群体按人口加权的平均可达性。{direction}。"}},
      {"people_beyond", {"People beyond the standard", "超出标准的人数"}},
      {"share_beyond", {"Share beyond {standard}", "超出{standard}的比例"}},
      {"beyond_title",
       {"People beyond the access standard ({standard})", "超出可达标准（{standard}）的人口"}},
      {"gini", {"Gini", "基尼系数"}},
      {"theil_t", {"Theil T", "泰尔指数 T"}},
      {"concentration_index", {"Concentration index by income", "按收入的集中指数"}},
      {"palma_by_income", {"Palma ratio by income", "按收入的帕尔马比率"}},
      {"equity_title", {"Equity of {measure}", "{measure}的公平性"}},
      {"map_title", {"Map: {measure}", "地图：{measure}"}},
      {"map_note",
       {"Zones coloured by class (equal numbers of zones per class); darker is worse off. Circles: "
        "facilities.",
        "按等级着色的区域（每级区域数相同）；颜色越深情况越差。圆点：设施。"}},
      {"map_excluded", {"Share of people with no usable channel", "没有可用渠道的人口比例"}},
      {"facilities", {"Facilities", "设施"}},
      {"class_up_to", {"up to {high}", "不超过 {high}"}},
      {"class_between", {"{low} to {high}", "{low} 至 {high}"}},
      {"class_above", {"above {low}", "高于 {low}"}},
      // Channels
      {"channels_intro",
       {"Channels offered: {channels}. A person is excluded when no channel is usable within {standard}.",
        "提供的渠道：{channels}。在 {standard} 内没有可用渠道的人视为被排斥。"}},
      {"excluded", {"No usable channel", "没有可用渠道"}},
      {"share_excluded", {"Share with no usable channel", "没有可用渠道的比例"}},
      {"excluded_if_closed", {"If the offices closed", "如果办事大厅关闭"}},
      {"channel_in_person", {"in person", "线下"}},
      {"channel_terminal", {"self-service terminal", "自助终端"}},
      {"channel_online", {"online", "线上"}},
      {"channel_phone", {"phone", "电话"}},
      {"channel_assisted", {"assisted service", "帮办代办"}},
      {"channel_outreach", {"outreach", "上门服务"}},
      {"illustrative_profiles",
       {"Some digital-capability figures are illustrative (labelled in the profiles' sources).",
        "部分数字能力数据为示意值（已在数据来源中标注）。"}},
      // Lorenz and decomposition
      {"lorenz_intro",
       {"Cumulative share of access against the cumulative share of people, zones ranked from least to most "
        "access. The further below the diagonal, the more unequal.",
        "按可达性从低到高排列区域，纵轴为可达性的累计份额，横轴为人口的累计份额。曲线离对角线越远，越不平等"
        "。"}},
      {"cumulative_people", {"Cumulative share of people", "人口累计份额"}},
      {"cumulative_access", {"Cumulative share of access", "可达性累计份额"}},
      {"equality_line", {"Equality", "完全平等"}},
      {"lorenz_title", {"Lorenz curve: {measure}", "洛伦兹曲线：{measure}"}},
      {"between", {"Between groups", "组间"}},
      {"within", {"Within groups", "组内"}},
      {"total", {"Total", "总计"}},
      {"share_between", {"Share between groups", "组间占比"}},
      {"decomposition_intro",
       {"Theil T split into the part due to differences between the groups' means and the part within them.",
        "泰尔指数 T 分解为各群体均值差异造成的组间部分和群体内部的组内部分。"}},
      {"decomposition_title", {"Inequality between and within groups", "组间与组内不平等"}},
      {"variable", {"Variable", "变量"}},
      {"index", {"Index", "指数"}},
      {"interval", {"95 % interval", "95% 区间"}},
      // Scenarios
      {"scenario", {"Scenario", "情景"}},
      {"scenario_intro",
       {"Each scenario against today, group by group. A group that loses on any count is marked.",
        "逐个群体将各情景与现状对比。在任一方面变差的群体会被标出。"}},
      {"loses", {"Worse off", "变差"}},
      {"people_losing",
       {"People whose access got worse: {people} (in {zones} zones).",
        "可达性变差的人口：{people}（{zones} 个区域）。"}},
      {"excluded_before_after", {"No usable channel: before and after", "没有可用渠道：之前与之后"}},
      // Journeys
      {"journeys_intro",
       {"For each public matter, the share of each group who can finish it, in how many trips, and what "
        "stops "
        "the rest.",
        "对每一项政务事项：各群体能办成的比例、需要跑几次，以及阻碍其余人的原因。"}},
      {"matter", {"Matter", "事项"}},
      {"completion", {"Completion", "办成比例"}},
      {"visits", {"Trips (mean)", "平均跑动次数"}},
      {"trips_title", {"Trips per person: {matter}", "人均跑动次数：{matter}"}},
      {"reasons", {"What stops the rest", "未办成的原因"}},
      {"reason", {"Reason", "原因"}},
      {"completion_title", {"Share completing: {matter}", "办成比例：{matter}"}},
      {"eligible", {"Eligible", "符合条件"}},
      // Convergence
      {"convergence_intro",
       {"σ-convergence: the dispersion of the variable across units, year by year. A falling line means the "
        "units are converging.",
        "σ 收敛：各单位之间变量的离散程度逐年变化。曲线下降表示趋于收敛。"}},
      {"sigma", {"Dispersion (σ)", "离散度（σ）"}},
      {"sigma_title", {"Dispersion over time", "离散度随时间变化"}},
      {"beta", {"β-convergence", "β 收敛"}},
      // Composite
      {"composite_intro",
       {"One score per unit from several indicators; the highest and lowest ranked.",
        "由多个指标合成的单位得分；排名最高和最低者。"}},
      {"rank", {"Rank", "排名"}},
      {"score", {"Score", "得分"}},
      {"weight", {"Weight", "权重"}},
      {"indicator", {"Indicator", "指标"}},
      {"top_units", {"Highest ranked", "排名最高"}},
      {"bottom_units", {"Lowest ranked", "排名最低"}},
      // Plan
      {"plan_intro",
       {"The efficient plan minimises the total travel cost; the fair (Rawlsian) plan first minimises the "
        "mean "
        "cost of the worst-off group.",
        "效率规划使总出行成本最小；公平（罗尔斯）规划首先使处境最差群体的平均成本最小。"}},
      {"efficient_plan", {"Efficient plan", "效率规划"}},
      {"fair_plan", {"Fair plan", "公平规划"}},
      {"open_sites", {"Open sites", "开设站点"}},
      {"mean_cost", {"Mean cost", "平均成本"}},
      {"total_cost", {"Total cost", "总成本"}},
      {"plan_groups_title",
       {"Mean cost per group: efficient and fair plan", "各群体平均成本：效率规划与公平规划"}},
      {"price_of_fairness", {"Price of fairness", "公平的代价"}},
      {"pof_title", {"Price of fairness against fairness level", "公平的代价与公平程度"}},
      {"aversion", {"Inequality aversion", "不平等厌恶系数"}},
      {"objective", {"Objective", "目标"}},
      {"worst_group_mean", {"Worst group's mean cost", "最差群体平均成本"}},
      {"status", {"Status", "状态"}},
      // Audit
      {"audit_intro",
       {"Each group's rates against the reference group, with 95 % intervals; flagged disparities are "
        "marked.",
        "各群体的比率与参照群体对比，附 95% 区间；被标记的差异已注明。"}},
      {"metric", {"Metric", "指标"}},
      {"ratio", {"Ratio to reference", "与参照之比"}},
      {"difference", {"Difference (percentage points)", "差值（百分点）"}},
      {"flag", {"Flag", "标记"}},
      {"flagged", {"flagged", "已标记"}},
      {"reference", {"Reference", "参照"}},
      {"attribute", {"Attribute", "属性"}},
      // Recipe
      {"inputs", {"Inputs", "输入"}},
      {"role", {"Role", "角色"}},
      {"path", {"File", "文件"}},
      {"bytes", {"Bytes", "字节"}},
      {"sha256", {"SHA-256", "SHA-256"}},
      {"defaults_applied", {"Defaults applied", "采用的默认值"}},
      {"key", {"Key", "键"}},
      {"options", {"Options", "选项"}},
      {"study_file", {"Study file: {file}", "研究文件：{file}"}},
      // Measures, classes, tables
      {"m_cumulative", {"{unit} within {limit}", "{limit}内可达的{unit}"}},
      {"m_closest", {"Travel time to the nearest facility", "到最近设施的出行时间"}},
      {"m_gravity", {"Gravity accessibility", "重力模型可达性"}},
      {"m_coverage", {"Coverage", "覆盖"}},
      {"m_raam", {"RAAM cost", "RAAM 成本"}},
      {"m_fca", {"{kind} accessibility", "{kind} 可达性"}},
      {"equity_caption",
       {"Equity of each measure across zones (people-weighted)", "各指标在区域间的公平性（按人口加权）"}},
      {"today", {"Today", "现状"}},
      {"pp", {" pp", "个百分点"}},
      {"efficient_new_sites", {"New sites, efficient plan", "效率规划的新站点"}},
      {"fair_new_sites", {"New sites, fair plan", "公平规划的新站点"}},
      {"plan_map_title", {"Map: the plans' new sites", "地图：规划的新站点"}},
      {"share_without", {"Share with none", "无可达的比例"}},
      {"all_zones", {"All zones", "全部区域"}},
      {"class", {"Class", "等级"}},
      {"zones", {"Zones", "区域数"}},
      {"people_share", {"People (poorest first)", "人口（从最低开始）"}},
      {"poorest_share", {"Lowest {share} of people", "最低的 {share} 人口"}},
      {"more_than_one_visit", {"More than one trip", "跑动多于一次"}},
      {"minutes_mean", {"Minutes (mean)", "平均耗时（分钟）"}},
      {"plan", {"Plan", "规划"}},
      {"unit_id", {"Unit", "单位"}},
      {"suppressed", {"suppressed (too few)", "样本过少，已隐藏"}},
      {"significant", {"significant", "显著"}},
      {"four_fifths", {"below four-fifths", "低于五分之四"}},
      {"change_close_channels", {"Close channels", "关闭渠道"}},
      {"change_open_channels", {"Open channels", "开通渠道"}},
      {"change_close_facilities", {"Close facilities", "关闭设施"}},
      {"change_open_facilities", {"Open facilities", "新开设施"}},
      {"change_add_terminals", {"Add terminals", "增设终端"}},
      {"change_add_assisted", {"Add assisted-service sites", "增设帮办点"}},
      {"change_add_outreach", {"Add outreach bases", "增设上门服务站"}},
      {"change_profiles", {"Change digital abilities", "改变数字能力"}},
      {"reason_rule", {"not being eligible under the matter's rule", "不符合该事项的资格规定"}},
      {"reason_requirement",
       {"lacking “{requirement}” for step “{step}” ({channel})",
        "缺少“{requirement}”（步骤“{step}”，{channel}）"}},
      {"reason_place",
       {"no {channel} channel where they live (step “{step}”)",
        "居住地附近没有{channel}渠道（步骤“{step}”）"}},
      {"metric_selection_rate", {"Selection rate", "通过率"}},
      {"metric_tpr", {"True positive rate", "真阳性率"}},
      {"metric_fpr", {"False positive rate", "假阳性率"}},
      {"metric_fnr", {"False negative rate", "假阴性率"}},
      {"metric_ppv", {"Precision", "精确率"}},
      {"metric_npv", {"Negative predictive value", "阴性预测值"}},
      {"metric_accuracy", {"Accuracy", "准确率"}},
      {"verdict_converging", {"converging", "收敛"}},
      {"verdict_no convergence", {"no convergence", "未收敛"}},
      {"verdict_overshooting (leapfrogging)", {"overshooting (leapfrogging)", "过度收敛（跨越）"}},
      {"beta_sentence",
       {"β-convergence: β = {beta} ({verdict}); half-life {half_life} years.",
        "β 收敛：β = {beta}（{verdict}）；半衰期 {half_life} 年。"}},
      {"f_scenario_beyond",
       {"Scenario “{scenario}”: people beyond the standard among {group} go from {before} to {after}.",
        "情景“{scenario}”：{group}中超出标准的人数从 {before} 变为 {after}。"}},
      // Findings (sentences)
      {"f_no_channel",
       {"{group}: {share} have no usable channel within {standard} ({reference}: {reference_share}).",
        "{group}：{share}在{standard}内没有可用渠道（{reference}：{reference_share}）。"}},
      {"f_beyond_standard",
       {"{group}: {share} live beyond {standard} of the nearest facility ({reference}: {reference_share}).",
        "{group}：{share}距最近设施超过{standard}（{reference}：{reference_share}）。"}},
      {"f_access_gap",
       {"{measure}: the worst-off group is {worst} ({worst_value}), the best-off {best} ({best_value}).",
        "{measure}：处境最差的群体是{worst}（{worst_value}），最好的是{best}（{best_value}）。"}},
      {"f_between_share",
       {"{what}: {share} of the inequality (Theil T) lies between the groups, the rest within them.",
        "{what}：不平等（泰尔指数 T）中有 {share} 来自群体之间，其余来自群体内部。"}},
      {"f_scenario",
       {"Scenario “{scenario}”: people with no usable channel among {group} go from {before} to {after}.",
        "情景“{scenario}”：{group}中没有可用渠道的人数从 {before} 变为 {after}。"}},
      {"f_lowest_completion",
       {"“{matter}” has the lowest completion: {share} of {group} can finish it; the main obstacle is "
        "{reason}.",
        "“{matter}”的办成比例最低：{group}中只有 {share} 能办成；主要障碍是{reason}。"}},
      {"f_lowest_completion_no_reason",
       {"“{matter}” has the lowest completion: {share} of {group} can finish it.",
        "“{matter}”的办成比例最低：{group}中只有 {share} 能办成。"}},
      {"f_audit_flags",
       {"The audit flags {count} disparities; the largest: {metric} for {group} against {reference} (ratio "
        "{ratio}).",
        "审计标记了 {count} 项差异；最大的是{group}相对于{reference}的{metric}（比值 {ratio}）。"}},
      {"f_audit_none", {"The audit flags no disparity.", "审计未标记任何差异。"}},
      {"f_rawls",
       {"The fair plan lowers the worst-off group's ({group}) mean cost from {before} to {after} for {price} "
        "more total cost.",
        "公平规划将处境最差群体（{group}）的平均成本从 {before} 降至 {after}，总成本增加 {price}。"}},
      {"f_convergence_down",
       {"{variable}: dispersion fell from {first} ({first_year}) to {last} ({last_year}): the units "
        "converged.",
        "{variable}：离散度从 {first}（{first_year}）降至 {last}（{last_year}），各单位趋于收敛。"}},
      {"f_convergence_up",
       {"{variable}: dispersion rose from {first} ({first_year}) to {last} ({last_year}): the units "
        "diverged.",
        "{variable}：离散度从 {first}（{first_year}）升至 {last}（{last_year}），各单位趋于发散。"}},
  };
  return t;
}

// Digits with a comma every three.
std::string group_thousands(const std::string& digits) {
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[i];
    if ((n - i - 1) % 3 == 0 && i + 1 < n) out += ',';
  }
  return out;
}

}  // namespace

const std::string& tr(std::string_view key, Language lang) {
  const auto& t = table();
  const auto it = t.find(key);
  if (it == t.end()) throw std::out_of_range("study report text without an entry: " + std::string(key));
  return lang == Language::Zh ? it->second.zh : it->second.en;
}

std::vector<std::string> text_keys() {
  std::vector<std::string> keys;
  for (const auto& [key, entry] : table()) keys.push_back(key);
  return keys;
}

std::string format_number(double value, int decimals, Language /*lang*/) {
  if (!std::isfinite(value)) return "–";
  std::string s = fmt::format("{:.{}f}", std::abs(value), decimals);
  const auto point = s.find('.');
  std::string whole = point == std::string::npos ? s : s.substr(0, point);
  const std::string fraction = point == std::string::npos ? std::string() : s.substr(point);
  const bool negative = value < 0.0 && s.find_first_not_of("0.") != std::string::npos;
  return (negative ? "−" : "") + group_thousands(whole) + fraction;
}

std::string format_people(double people, Language lang) {
  if (!std::isfinite(people)) return "–";
  if (lang == Language::Zh && std::abs(people) >= 100000.0)
    return format_number(people / 10000.0, 1, lang) + "万";
  return format_number(people, std::abs(people) < 10.0 && people != std::round(people) ? 1 : 0, lang);
}

std::string format_percent(double share, Language lang) {
  if (!std::isfinite(share)) return "–";
  const double pct = share * 100.0;
  const char* sep = lang == Language::Zh ? "" : " ";
  if (pct > 0.0 && pct < 0.05) return fmt::format("< 0.1{}%", sep);
  const int decimals = std::abs(pct) < 10.0 && std::abs(pct - std::round(pct)) >= 0.05 ? 1 : 0;
  return format_number(pct, decimals, lang) + sep + "%";
}

std::string format_value(double value, Language lang) {
  if (!std::isfinite(value)) return "–";
  const double a = std::abs(value);
  if (a == 0.0) return "0";
  if (a < 1e15 && value == std::round(value)) return format_number(value, 0, lang);  // counts, years, minutes
  if (a >= 1000.0) return format_number(value, 0, lang);
  if (a >= 100.0) return format_number(value, 1, lang);
  if (a >= 1.0) return format_number(value, 2, lang);
  // Below one: three significant digits (0.123, 0.000195).
  const int decimals = std::min(12, 2 - static_cast<int>(std::floor(std::log10(a))));
  return format_number(value, decimals, lang);
}

}  // namespace equalis::report
