// The data behind pools.h. Names and places are common ones for each culture; numbers follow
// each country's real numbering plan closely enough for a phone parser to accept them.
#include "pools.h"

#include <array>

namespace rally::datagen {
namespace {

using SV = std::string_view;

// ---- Names by culture --------------------------------------------------------------------

constexpr Word kEnFirst[] = {
    {"James", ""},      {"Mary", ""},      {"Robert", ""},      {"Patricia", ""},
    {"John", ""},       {"Jennifer", ""},  {"Michael", ""},     {"Linda", ""},
    {"David", ""},      {"Elizabeth", ""}, {"William", ""},     {"Barbara", ""},
    {"Richard", ""},    {"Susan", ""},     {"Joseph", ""},      {"Jessica", ""},
    {"Thomas", ""},     {"Sarah", ""},     {"Christopher", ""}, {"Karen", ""},
    {"Daniel", ""},     {"Lisa", ""},      {"Matthew", ""},     {"Nancy", ""},
    {"Anthony", ""},    {"Betty", ""},     {"Mark", ""},        {"Ashley", ""},
    {"Steven", ""},     {"Emily", ""},     {"Andrew", ""},      {"Michelle", ""},
    {"Joshua", ""},     {"Amanda", ""},    {"Kevin", ""},       {"Melissa", ""},
    {"Brian", ""},      {"Stephanie", ""}, {"Ryan", ""},        {"Rebecca", ""},
    {"Jacob", ""},      {"Laura", ""},     {"Oliver", ""},      {"Charlotte", ""},
    {"Harry", ""},      {"Amelia", ""},    {"George", ""},      {"Olivia", ""},
    {"Jack", ""},       {"Isla", ""},      {"Noah", ""},        {"Emma", ""},
    {"Liam", ""},       {"Ava", ""},       {"Ethan", ""},       {"Sophia", ""},
    {"Mason", ""},      {"Chloe", ""},     {"Logan", ""},       {"Grace", ""},
    {"Anne-Marie", ""}, {"Zoë", "zoe"},    {"Renée", "renee"},  {"Siobhán", "siobhan"},
};
constexpr Word kEnLast[] = {
    {"Smith", ""},      {"Johnson", ""},  {"Williams", ""}, {"Brown", ""},    {"Jones", ""},
    {"Miller", ""},     {"Davis", ""},    {"Wilson", ""},   {"Anderson", ""}, {"Taylor", ""},
    {"Thomas", ""},     {"Moore", ""},    {"Jackson", ""},  {"Martin", ""},   {"Lee", ""},
    {"Thompson", ""},   {"White", ""},    {"Harris", ""},   {"Clark", ""},    {"Lewis", ""},
    {"Robinson", ""},   {"Walker", ""},   {"Young", ""},    {"Allen", ""},    {"King", ""},
    {"Wright", ""},     {"Scott", ""},    {"Hill", ""},     {"Green", ""},    {"Adams", ""},
    {"Baker", ""},      {"Nelson", ""},   {"Carter", ""},   {"Mitchell", ""}, {"Roberts", ""},
    {"Turner", ""},     {"Phillips", ""}, {"Campbell", ""}, {"Parker", ""},   {"Evans", ""},
    {"Edwards", ""},    {"Collins", ""},  {"Stewart", ""},  {"Morris", ""},   {"Murphy", ""},
    {"Cook", ""},       {"Rogers", ""},   {"O'Brien", ""},  {"O'Connor", ""}, {"McAllister", ""},
    {"Fitzgerald", ""}, {"Hughes", ""},   {"Wood", ""},     {"Hall", ""},     {"Davies", ""},
    {"Price", ""},      {"Bennett", ""},  {"Sullivan", ""}, {"Brooks", ""},   {"Foster", ""},
};
constexpr Word kDeFirst[] = {
    {"Lukas", ""},       {"Leon", ""},          {"Maximilian", ""},    {"Felix", ""},
    {"Jonas", ""},       {"Paul", ""},          {"Finn", ""},          {"Elias", ""},
    {"Ben", ""},         {"Jürgen", "juergen"}, {"Uwe", ""},           {"Klaus", ""},
    {"Stefan", ""},      {"Andreas", ""},       {"Sabine", ""},        {"Ursula", ""},
    {"Petra", ""},       {"Monika", ""},        {"Katharina", ""},     {"Anna", ""},
    {"Lena", ""},        {"Hannah", ""},        {"Sophie", ""},        {"Marie", ""},
    {"Jörg", "joerg"},   {"Björn", "bjoern"},   {"Günter", "guenter"}, {"Käthe", "kaethe"},
    {"Dörte", "doerte"}, {"Matthias", ""},      {"Tobias", ""},
};
constexpr Word kDeLast[] = {
    {"Müller", "mueller"},
    {"Schmidt", ""},
    {"Schneider", ""},
    {"Fischer", ""},
    {"Weber", ""},
    {"Meyer", ""},
    {"Wagner", ""},
    {"Becker", ""},
    {"Schulz", ""},
    {"Hoffmann", ""},
    {"Schäfer", "schaefer"},
    {"Koch", ""},
    {"Bauer", ""},
    {"Richter", ""},
    {"Klein", ""},
    {"Wolf", ""},
    {"Schröder", "schroeder"},
    {"Neumann", ""},
    {"Schwarz", ""},
    {"Zimmermann", ""},
    {"Braun", ""},
    {"Krüger", "krueger"},
    {"Hartmann", ""},
    {"Lange", ""},
    {"Werner", ""},
    {"Krause", ""},
    {"Lehmann", ""},
    {"Weiß", "weiss"},
    {"Groß", "gross"},
    {"von Bülow", "vonbuelow"},
    {"Öztürk", "oeztuerk"},
};
constexpr Word kFrFirst[] = {
    {"Jean", ""},         {"Pierre", ""},           {"Michel", ""},
    {"Philippe", ""},     {"Nicolas", ""},          {"François", "francois"},
    {"Léa", "lea"},       {"Chloé", "chloe"},       {"Manon", ""},
    {"Camille", ""},      {"Inès", "ines"},         {"Élodie", "elodie"},
    {"Hélène", "helene"}, {"Amélie", "amelie"},     {"Gaëlle", "gaelle"},
    {"Jérôme", "jerome"}, {"Stéphane", "stephane"}, {"Sébastien", "sebastien"},
    {"Théo", "theo"},     {"Noël", "noel"},         {"Loïc", "loic"},
    {"Maëlys", "maelys"}, {"Céline", "celine"},     {"Jean-Luc", ""},
};
constexpr Word kFrLast[] = {
    {"Martin", ""},           {"Bernard", ""},
    {"Dubois", ""},           {"Robert", ""},
    {"Richard", ""},          {"Petit", ""},
    {"Durand", ""},           {"Leroy", ""},
    {"Moreau", ""},           {"Simon", ""},
    {"Laurent", ""},          {"Lefèvre", "lefevre"},
    {"Garnier", ""},          {"Faure", ""},
    {"Rousseau", ""},         {"Blanc", ""},
    {"Guérin", "guerin"},     {"Bonnet", ""},
    {"Lambert", ""},          {"Fontaine", ""},
    {"Chevalier", ""},        {"Girard", ""},
    {"Dupont", ""},           {"Mercier", ""},
    {"Lemaître", "lemaitre"}, {"Bélanger", "belanger"},
    {"Fournier", ""},         {"Morel", ""},
};
constexpr Word kEsFirst[] = {
    {"José", "jose"},     {"María", "maria"}, {"Juan", ""},         {"Carmen", ""},
    {"Luis", ""},         {"Ana", ""},        {"Carlos", ""},       {"Lucía", "lucia"},
    {"Javier", ""},       {"Sofía", "sofia"}, {"Miguel", ""},       {"Isabel", ""},
    {"Alejandro", ""},    {"Elena", ""},      {"Andrés", "andres"}, {"Paula", ""},
    {"Jesús", "jesus"},   {"Marta", ""},      {"Sergio", ""},       {"Raquel", ""},
    {"Álvaro", "alvaro"}, {"Ramón", "ramon"}, {"Begoña", "begona"}, {"Íñigo", "inigo"},
    {"Nuria", ""},        {"Diego", ""},      {"Valentina", ""},    {"Mateo", ""},
    {"Camila", ""},       {"Santiago", ""},   {"Ximena", ""},       {"María José", "mariajose"},
};
constexpr Word kEsLast[] = {
    {"García", "garcia"},
    {"Rodríguez", "rodriguez"},
    {"Martínez", "martinez"},
    {"López", "lopez"},
    {"González", "gonzalez"},
    {"Hernández", "hernandez"},
    {"Pérez", "perez"},
    {"Sánchez", "sanchez"},
    {"Ramírez", "ramirez"},
    {"Torres", ""},
    {"Flores", ""},
    {"Rivera", ""},
    {"Gómez", "gomez"},
    {"Díaz", "diaz"},
    {"Cruz", ""},
    {"Morales", ""},
    {"Reyes", ""},
    {"Jiménez", "jimenez"},
    {"Ruiz", ""},
    {"Álvarez", "alvarez"},
    {"Muñoz", "munoz"},
    {"Núñez", "nunez"},
    {"Ortega", ""},
    {"Castillo", ""},
    {"Romero", ""},
    {"Vargas", ""},
    {"Peña", "pena"},
    {"Ibáñez", "ibanez"},
    {"de la Fuente", "delafuente"},
};
constexpr Word kPlFirst[] = {
    {"Łukasz", "lukasz"},   {"Paweł", "pawel"}, {"Michał", "michal"},
    {"Krzysztof", ""},      {"Tomasz", ""},     {"Piotr", ""},
    {"Wojciech", ""},       {"Agnieszka", ""},  {"Małgorzata", "malgorzata"},
    {"Katarzyna", ""},      {"Magdalena", ""},  {"Joanna", ""},
    {"Zofia", ""},          {"Ewa", ""},        {"Grażyna", "grazyna"},
    {"Jędrzej", "jedrzej"},
};
constexpr Word kPlLast[] = {
    {"Nowak", ""},
    {"Kowalski", ""},
    {"Wiśniewski", "wisniewski"},
    {"Wójcik", "wojcik"},
    {"Kowalczyk", ""},
    {"Kamiński", "kaminski"},
    {"Lewandowski", ""},
    {"Zieliński", "zielinski"},
    {"Szymański", "szymanski"},
    {"Woźniak", "wozniak"},
    {"Dąbrowski", "dabrowski"},
    {"Kozłowski", "kozlowski"},
    {"Jankowski", ""},
    {"Mazur", ""},
    {"Krawczyk", ""},
    {"Zając", "zajac"},
    {"Król", "krol"},
    {"Wróbel", "wrobel"},
};
constexpr Word kNordicFirst[] = {
    {"Søren", "soren"}, {"Björn", "bjorn"}, {"Åsa", "asa"},       {"Lars", ""},
    {"Anders", ""},     {"Erik", ""},       {"Johan", ""},        {"Mikael", ""},
    {"Ingrid", ""},     {"Astrid", ""},     {"Sigrid", ""},       {"Freja", ""},
    {"Maja", ""},       {"Elsa", ""},       {"Nils", ""},         {"Magnus", ""},
    {"Mette", ""},      {"Jens", ""},       {"Päivi", "paivi"},   {"Jukka", ""},
    {"Mikko", ""},      {"Annika", ""},     {"Linnéa", "linnea"}, {"Øystein", "oystein"},
    {"Kåre", "kare"},
};
constexpr Word kNordicLast[] = {
    {"Andersson", ""},        {"Johansson", ""},
    {"Karlsson", ""},         {"Nilsson", ""},
    {"Eriksson", ""},         {"Larsson", ""},
    {"Olsson", ""},           {"Persson", ""},
    {"Jensen", ""},           {"Nielsen", ""},
    {"Hansen", ""},           {"Pedersen", ""},
    {"Sørensen", "sorensen"}, {"Jørgensen", "jorgensen"},
    {"Lindqvist", ""},        {"Bergström", "bergstrom"},
    {"Öberg", "oberg"},       {"Åkesson", "akesson"},
    {"Virtanen", ""},         {"Korhonen", ""},
    {"Mäkinen", "makinen"},   {"Nyström", "nystrom"},
    {"Halvorsen", ""},        {"Dahl", ""},
};
constexpr Word kZhFirst[] = {
    {"伟", "wei"},       {"芳", "fang"},     {"娜", "na"},       {"敏", "min"},
    {"静", "jing"},      {"丽", "li"},       {"强", "qiang"},    {"磊", "lei"},
    {"军", "jun"},       {"洋", "yang"},     {"勇", "yong"},     {"艳", "yan"},
    {"杰", "jie"},       {"涛", "tao"},      {"明", "ming"},     {"超", "chao"},
    {"秀英", "xiuying"}, {"霞", "xia"},      {"平", "ping"},     {"子涵", "zihan"},
    {"浩然", "haoran"},  {"雨桐", "yutong"}, {"梓轩", "zixuan"}, {"晓明", "xiaoming"},
};
constexpr Word kZhLast[] = {
    {"王", "wang"},     {"李", "li"},    {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"},
    {"杨", "yang"},     {"黄", "huang"}, {"赵", "zhao"},  {"吴", "wu"},  {"周", "zhou"},
    {"徐", "xu"},       {"孙", "sun"},   {"马", "ma"},    {"朱", "zhu"}, {"胡", "hu"},
    {"郭", "guo"},      {"何", "he"},    {"林", "lin"},   {"罗", "luo"}, {"高", "gao"},
    {"欧阳", "ouyang"},
};
constexpr Word kJaFirst[] = {
    {"翔太", "shota"},  {"蓮", "ren"},        {"大翔", "hiroto"}, {"陽向", "hinata"},
    {"悠真", "yuma"},   {"健一", "kenichi"},  {"誠", "makoto"},   {"浩二", "koji"},
    {"花子", "hanako"}, {"陽菜", "hina"},     {"結衣", "yui"},    {"さくら", "sakura"},
    {"美咲", "misaki"}, {"由美子", "yumiko"}, {"恵子", "keiko"},  {"直樹", "naoki"},
    {"拓也", "takuya"}, {"愛", "ai"},
};
constexpr Word kJaLast[] = {
    {"佐藤", "sato"},      {"鈴木", "suzuki"},    {"高橋", "takahashi"}, {"田中", "tanaka"},
    {"伊藤", "ito"},       {"渡辺", "watanabe"},  {"山本", "yamamoto"},  {"中村", "nakamura"},
    {"小林", "kobayashi"}, {"加藤", "kato"},      {"吉田", "yoshida"},   {"山田", "yamada"},
    {"佐々木", "sasaki"},  {"松本", "matsumoto"}, {"井上", "inoue"},     {"木村", "kimura"},
    {"林", "hayashi"},     {"清水", "shimizu"},
};
constexpr Word kKoFirst[] = {
    {"민준", "minjun"},  {"서연", "seoyeon"},  {"지훈", "jihoon"},  {"지우", "jiwoo"},
    {"서준", "seojun"},  {"하은", "haeun"},    {"도윤", "doyoon"},  {"수빈", "subin"},
    {"예준", "yejun"},   {"지민", "jimin"},    {"현우", "hyunwoo"}, {"은지", "eunji"},
    {"성민", "sungmin"}, {"영희", "younghee"},
};
constexpr Word kKoLast[] = {
    {"김", "kim"},  {"이", "lee"}, {"박", "park"}, {"최", "choi"}, {"정", "jung"},
    {"강", "kang"}, {"조", "cho"}, {"윤", "yoon"}, {"장", "jang"}, {"임", "lim"},
    {"한", "han"},  {"오", "oh"},  {"서", "seo"},  {"신", "shin"},
};
constexpr Word kCyrFirst[] = {
    {"Иван", "ivan"},     {"Алексей", "aleksey"},     {"Дмитрий", "dmitry"},
    {"Сергей", "sergey"}, {"Андрей", "andrey"},       {"Михаил", "mikhail"},
    {"Ольга", "olga"},    {"Наталья", "natalya"},     {"Екатерина", "ekaterina"},
    {"Анна", "anna"},     {"Мария", "maria"},         {"Татьяна", "tatiana"},
    {"Юлия", "yulia"},    {"Николай", "nikolay"},     {"Павел", "pavel"},
    {"Ксения", "ksenia"}, {"Олександр", "oleksandr"}, {"Богдан", "bohdan"},
    {"Оксана", "oksana"},
};
constexpr Word kCyrLast[] = {
    {"Иванов", "ivanov"},       {"Смирнов", "smirnov"},       {"Кузнецов", "kuznetsov"},
    {"Попов", "popov"},         {"Васильев", "vasiliev"},     {"Петров", "petrov"},
    {"Соколов", "sokolov"},     {"Михайлов", "mikhailov"},    {"Новиков", "novikov"},
    {"Фёдоров", "fedorov"},     {"Морозов", "morozov"},       {"Волков", "volkov"},
    {"Лебедев", "lebedev"},     {"Козлов", "kozlov"},         {"Шевченко", "shevchenko"},
    {"Коваленко", "kovalenko"}, {"Бондаренко", "bondarenko"},
};
constexpr Word kElFirst[] = {
    {"Γιώργος", "giorgos"},       {"Δημήτρης", "dimitris"}, {"Νίκος", "nikos"},
    {"Κώστας", "kostas"},         {"Μαρία", "maria"},       {"Ελένη", "eleni"},
    {"Αικατερίνη", "aikaterini"}, {"Σοφία", "sofia"},       {"Γιάννης", "giannis"},
    {"Αθηνά", "athina"},
};
constexpr Word kElLast[] = {
    {"Παπαδόπουλος", "papadopoulos"}, {"Βλάχος", "vlachos"},          {"Αντωνίου", "antoniou"},
    {"Παπαδάκης", "papadakis"},       {"Γεωργίου", "georgiou"},       {"Οικονόμου", "oikonomou"},
    {"Νικολάου", "nikolaou"},         {"Καραγιάννης", "karagiannis"}, {"Μακρής", "makris"},
};
constexpr Word kInFirst[] = {
    {"आरव", "aarav"},      {"विवान", "vivaan"}, {"अर्जुन", "arjun"},   {"प्रिया", "priya"},
    {"अनन्या", "ananya"},   {"राहुल", "rahul"},   {"अमित", "amit"},    {"नेहा", "neha"},
    {"पूजा", "pooja"},      {"रोहित", "rohit"},  {"सुनीता", "sunita"}, {"विक्रम", "vikram"},
    {"दीपिका", "deepika"}, {"संजय", "sanjay"},   {"कविता", "kavita"}, {"राज", "raj"},
};
constexpr Word kInLast[] = {
    {"शर्मा", "sharma"}, {"वर्मा", "verma"}, {"पटेल", "patel"},  {"गुप्ता", "gupta"},
    {"सिंह", "singh"},   {"कुमार", "kumar"}, {"रेड्डी", "reddy"}, {"अय्यर", "iyer"},
    {"मेहता", "mehta"},  {"जोशी", "joshi"}, {"नायर", "nair"},  {"चौधरी", "chaudhary"},
    {"देसाई", "desai"},  {"कपूर", "kapoor"},
};
constexpr Word kArFirst[] = {
    {"محمد", "mohammed"}, {"أحمد", "ahmed"},  {"علي", "ali"},      {"عمر", "omar"},
    {"يوسف", "youssef"},  {"خالد", "khaled"}, {"فاطمة", "fatima"}, {"عائشة", "aisha"},
    {"مريم", "mariam"},   {"نور", "nour"},    {"ليلى", "layla"},   {"سارة", "sara"},
    {"حسن", "hassan"},    {"رنا", "rana"},
};
constexpr Word kArLast[] = {
    {"حداد", "haddad"},         {"خوري", "khoury"},      {"منصور", "mansour"},
    {"الحسيني", "al-husseini"}, {"النجار", "al-najjar"}, {"سعيد", "saeed"},
    {"حسين", "hussein"},        {"إبراهيم", "ibrahim"},  {"عبدالله", "abdullah"},
    {"الشامي", "al-shami"},     {"قاسم", "qasem"},       {"بكر", "bakr"},
};

// ---- Countries ---------------------------------------------------------------------------

enum CountryIndex : uint32_t {
  kUS,
  kCA,
  kGB,
  kAU,
  kDE,
  kAT,
  kCH,
  kFR,
  kES,
  kMX,
  kPL,
  kSE,
  kDK,
  kNO,
  kFI,
  kCN,
  kSG,
  kJP,
  kKR,
  kRU,
  kUA,
  kGR,
  kIN,
  kAE,
  kEG,
  kCountryCount
};

constexpr SV kUsPhones[] = {"212 N## ####", "415 N## ####", "312 N## ####", "617 N## ####",
                            "206 N## ####", "512 N## ####", "303 N## ####", "404 N## ####",
                            "305 N## ####", "646 N## ####", "213 N## ####", "702 N## ####",
                            "919 N## ####", "469 N## ####", "503 N## ####", "612 N## ####"};
constexpr City kUsCities[] = {
    {"New York", "NY", "100##"},    {"San Francisco", "CA", "941##"},
    {"Chicago", "IL", "606##"},     {"Boston", "MA", "021##"},
    {"Seattle", "WA", "981##"},     {"Austin", "TX", "787##"},
    {"Denver", "CO", "802##"},      {"Atlanta", "GA", "303##"},
    {"Miami", "FL", "331##"},       {"Los Angeles", "CA", "900##"},
    {"Las Vegas", "NV", "891##"},   {"Raleigh", "NC", "276##"},
    {"Dallas", "TX", "752##"},      {"Portland", "OR", "972##"},
    {"Minneapolis", "MN", "554##"}, {"Pittsburgh", "PA", "152##"},
};
constexpr SV kUsStreets[] = {"Main Street",   "Oak Avenue",     "Market Street", "Maple Drive",
                             "5th Avenue",    "Mission Street", "Elm St",        "Washington Blvd",
                             "Lake Shore Dr", "Park Avenue",    "Cedar Lane",    "Pine St",
                             "Broadway",      "Sunset Blvd",    "Congress Ave",  "Peachtree St NE"};
constexpr SV kUsLegal[] = {"Inc.", "LLC", "Corp.", "Inc"};
constexpr SV kUsTlds[] = {"com", "com", "com", "io", "co", "ai", "net"};

constexpr SV kCaPhones[] = {"416 N## ####", "604 N## ####", "514 N## ####", "403 N## ####",
                            "613 N## ####"};
constexpr City kCaCities[] = {{"Toronto", "ON", "M#@ #@#"},
                              {"Vancouver", "BC", "V#@ #@#"},
                              {"Montréal", "QC", "H#@ #@#"},
                              {"Calgary", "AB", "T#@ #@#"},
                              {"Ottawa", "ON", "K#@ #@#"}};
constexpr SV kCaLegal[] = {"Inc.", "Ltd."};
constexpr SV kCaTlds[] = {"ca", "com"};

constexpr SV kGbPhones[] = {"20 7### ####", "20 3### ####", "161 N## ####", "121 N## ####",
                            "131 N## ####", "74## ######",  "75## ######",  "77## ######",
                            "78## ######",  "79## ######"};
constexpr City kGbCities[] = {
    {"London", "England", "EC#@ #@@"},    {"Manchester", "England", "M# #@@"},
    {"Birmingham", "England", "B## #@@"}, {"Edinburgh", "Scotland", "EH# #@@"},
    {"Bristol", "England", "BS# #@@"},    {"Leeds", "England", "LS# #@@"},
    {"Cardiff", "Wales", "CF## #@@"},
};
constexpr SV kGbStreets[] = {"High Street",   "Station Road", "Church Lane",   "Victoria Road",
                             "King's Road",   "Queen Street", "Mill Lane",     "Baker Street",
                             "Oxford Street", "Deansgate",    "Princes Street"};
constexpr SV kGbLegal[] = {"Ltd", "Ltd.", "PLC"};
constexpr SV kGbTlds[] = {"co.uk", "co.uk", "com", "io"};

constexpr SV kAuPhones[] = {"4## ### ###", "2 N### ####", "3 N### ####"};
constexpr City kAuCities[] = {{"Sydney", "NSW", "2###"},
                              {"Melbourne", "VIC", "3###"},
                              {"Brisbane", "QLD", "4###"},
                              {"Perth", "WA", "6###"}};
constexpr SV kAuLegal[] = {"Pty Ltd"};
constexpr SV kAuTlds[] = {"com.au"};

constexpr SV kDePhones[] = {"30 N######",   "30 N#######", "89 N######",   "40 N######",
                            "69 N######",   "221 N######", "151 ########", "176 ########",
                            "157 ########", "171 #######"};
constexpr City kDeCities[] = {
    {"Berlin", "Berlin", "1####"},
    {"München", "Bayern", "80###"},
    {"Hamburg", "Hamburg", "2####"},
    {"Frankfurt am Main", "Hessen", "60###"},
    {"Köln", "Nordrhein-Westfalen", "50###"},
    {"Düsseldorf", "Nordrhein-Westfalen", "40###"},
    {"Stuttgart", "Baden-Württemberg", "70###"},
    {"Leipzig", "Sachsen", "04###"},
};
constexpr SV kDeStreets[] = {
    "Hauptstraße",     "Bahnhofstraße",  "Gartenstraße",      "Schillerstraße", "Goethestraße",
    "Friedrichstraße", "Kurfürstendamm", "Schönhauser Allee", "Königsallee",    "Am Markt"};
constexpr SV kDeLegal[] = {"GmbH", "GmbH", "AG", "GmbH & Co. KG"};
constexpr SV kDeTlds[] = {"de", "de", "com"};

constexpr SV kAtPhones[] = {"1 N######", "664 #######", "660 #######"};
constexpr City kAtCities[] = {{"Wien", "Wien", "1###"},
                              {"Graz", "Steiermark", "8###"},
                              {"Linz", "Oberösterreich", "4###"},
                              {"Salzburg", "Salzburg", "5###"}};
constexpr SV kAtStreets[] = {"Mariahilfer Straße", "Herrengasse", "Landstraße", "Getreidegasse"};
constexpr SV kAtLegal[] = {"GmbH", "AG"};
constexpr SV kAtTlds[] = {"at"};

constexpr SV kChPhones[] = {"44 N## ## ##", "22 N## ## ##", "79 ### ## ##", "78 ### ## ##"};
constexpr City kChCities[] = {{"Zürich", "ZH", "8###"},
                              {"Genève", "GE", "12##"},
                              {"Basel", "BS", "40##"},
                              {"Bern", "BE", "30##"},
                              {"Lausanne", "VD", "10##"}};
constexpr SV kChStreets[] = {"Bahnhofstrasse", "Rue du Rhône", "Marktgasse", "Freie Strasse"};
constexpr SV kChLegal[] = {"AG", "GmbH", "SA"};
constexpr SV kChTlds[] = {"ch"};

constexpr SV kFrPhones[] = {"1 ## ## ## ##", "6 ## ## ## ##", "7 ## ## ## ##", "4 ## ## ## ##"};
constexpr City kFrCities[] = {
    {"Paris", "Île-de-France", "750##"},
    {"Lyon", "Auvergne-Rhône-Alpes", "6900#"},
    {"Marseille", "Provence-Alpes-Côte d'Azur", "130##"},
    {"Toulouse", "Occitanie", "310##"},
    {"Nantes", "Pays de la Loire", "440##"},
    {"Bordeaux", "Nouvelle-Aquitaine", "330##"},
    {"Lille", "Hauts-de-France", "590##"},
};
constexpr SV kFrStreets[] = {
    "rue de la Paix",       "avenue Victor Hugo",  "rue du Faubourg Saint-Honoré",
    "rue de Rivoli",        "boulevard Haussmann", "place Bellecour",
    "rue Sainte-Catherine", "quai des Chartrons"};
constexpr SV kFrLegal[] = {"SAS", "SA", "SARL"};
constexpr SV kFrTlds[] = {"fr", "com"};

constexpr SV kEsPhones[] = {"6## ### ###", "91 ### ## ##", "93 ### ## ##"};
constexpr City kEsCities[] = {
    {"Madrid", "Madrid", "280##"},
    {"Barcelona", "Cataluña", "080##"},
    {"Valencia", "Comunidad Valenciana", "460##"},
    {"Sevilla", "Andalucía", "410##"},
    {"Bilbao", "País Vasco", "480##"},
    {"Málaga", "Andalucía", "290##"},
};
constexpr SV kEsStreets[] = {"Calle Mayor",       "Calle de Alcalá",
                             "Gran Vía",          "Paseo de la Castellana",
                             "Avinguda Diagonal", "Calle de Serrano"};
constexpr SV kEsLegal[] = {"S.L.", "S.A."};
constexpr SV kEsTlds[] = {"es", "com"};

constexpr SV kMxPhones[] = {"55 #### ####", "33 #### ####", "81 #### ####"};
constexpr City kMxCities[] = {{"Ciudad de México", "CDMX", "0####"},
                              {"Guadalajara", "Jalisco", "44###"},
                              {"Monterrey", "Nuevo León", "64###"},
                              {"Puebla", "Puebla", "72###"}};
constexpr SV kMxStreets[] = {"Avenida Insurgentes Sur", "Paseo de la Reforma", "Avenida Juárez",
                             "Calzada de Tlalpan"};
constexpr SV kMxLegal[] = {"S.A. de C.V."};
constexpr SV kMxTlds[] = {"com.mx", "mx"};

constexpr SV kPlPhones[] = {"22 ### ## ##", "5## ### ###", "6## ### ###", "7## ### ###"};
constexpr City kPlCities[] = {
    {"Warszawa", "mazowieckie", "0#-###"}, {"Kraków", "małopolskie", "3#-###"},
    {"Wrocław", "dolnośląskie", "5#-###"}, {"Gdańsk", "pomorskie", "80-###"},
    {"Poznań", "wielkopolskie", "6#-###"}, {"Łódź", "łódzkie", "9#-###"},
};
constexpr SV kPlStreets[] = {"ul. Marszałkowska", "ul. Piotrkowska",   "ul. Floriańska",
                             "ul. Długa",         "ul. Świętokrzyska", "ul. Grunwaldzka"};
constexpr SV kPlLegal[] = {"sp. z o.o.", "S.A."};
constexpr SV kPlTlds[] = {"pl", "com.pl"};

constexpr SV kSePhones[] = {"8 ### ### ##", "70 ### ## ##", "73 ### ## ##"};
constexpr City kSeCities[] = {{"Stockholm", "", "1## ##"},
                              {"Göteborg", "", "4## ##"},
                              {"Malmö", "", "2## ##"},
                              {"Uppsala", "", "75# ##"}};
constexpr SV kSeStreets[] = {"Drottninggatan", "Kungsgatan", "Storgatan", "Sveavägen"};
constexpr SV kSeLegal[] = {"AB"};
constexpr SV kSeTlds[] = {"se"};

constexpr SV kDkPhones[] = {"2# ## ## ##", "3# ## ## ##", "4# ## ## ##"};
constexpr City kDkCities[] = {
    {"København", "", "1###"}, {"Aarhus", "", "8###"}, {"Odense", "", "5###"}};
constexpr SV kDkStreets[] = {"Strøget", "Nørrebrogade", "Vesterbrogade", "Åboulevarden"};
constexpr SV kDkLegal[] = {"A/S", "ApS"};
constexpr SV kDkTlds[] = {"dk"};

constexpr SV kNoPhones[] = {"4## ## ###", "9## ## ###", "22 ## ## ##"};
constexpr City kNoCities[] = {
    {"Oslo", "", "0###"}, {"Bergen", "", "5###"}, {"Trondheim", "", "7###"}};
constexpr SV kNoStreets[] = {"Karl Johans gate", "Storgata", "Bogstadveien", "Bryggen"};
constexpr SV kNoLegal[] = {"AS", "ASA"};
constexpr SV kNoTlds[] = {"no"};

constexpr SV kFiPhones[] = {"40 ### ####", "50 ### ####", "9 ### ####"};
constexpr City kFiCities[] = {
    {"Helsinki", "", "00###"}, {"Espoo", "", "02###"}, {"Tampere", "", "33###"}};
constexpr SV kFiStreets[] = {"Mannerheimintie", "Aleksanterinkatu", "Hämeenkatu", "Esplanadi"};
constexpr SV kFiLegal[] = {"Oy", "Oyj"};
constexpr SV kFiTlds[] = {"fi"};

constexpr SV kCnPhones[] = {"13# #### ####", "15# #### ####", "18# #### ####", "10 N### ####",
                            "21 N### ####"};
constexpr City kCnCities[] = {{"北京", "北京市", "100###"},
                              {"上海", "上海市", "200###"},
                              {"深圳", "广东省", "518###"},
                              {"杭州", "浙江省", "310###"},
                              {"成都", "四川省", "610###"}};
constexpr SV kCnStreets[] = {"南京西路", "长安街", "人民路", "中山路", "淮海中路", "科技园南路"};
constexpr SV kCnLegal[] = {"Co., Ltd."};
constexpr SV kCnTlds[] = {"cn", "com.cn", "com"};

constexpr SV kSgPhones[] = {"9### ####", "8### ####", "6### ####"};
constexpr City kSgCities[] = {{"Singapore", "", "######"}};
constexpr SV kSgStreets[] = {"Orchard Road", "Raffles Place", "Marina Boulevard",
                             "Tanjong Pagar Road"};
constexpr SV kSgLegal[] = {"Pte. Ltd."};
constexpr SV kSgTlds[] = {"sg", "com.sg", "com"};

constexpr SV kJpPhones[] = {"3 N### ####", "90 #### ####", "80 #### ####", "6 N### ####"};
constexpr City kJpCities[] = {{"東京", "東京都", "1##-####"},
                              {"大阪", "大阪府", "5##-####"},
                              {"横浜", "神奈川県", "2##-####"},
                              {"京都", "京都府", "6##-####"},
                              {"福岡", "福岡県", "8##-####"}};
constexpr SV kJpStreets[] = {"千代田区丸の内1-", "渋谷区道玄坂2-", "北区梅田3-", "港区六本木6-",
                             "中区栄4-"};
constexpr SV kJpLegal[] = {"K.K.", "Co., Ltd."};
constexpr SV kJpTlds[] = {"co.jp", "jp"};

constexpr SV kKrPhones[] = {"10 #### ####", "2 N### ####"};
constexpr City kKrCities[] = {{"서울", "서울특별시", "0####"},
                              {"부산", "부산광역시", "4####"},
                              {"인천", "인천광역시", "2####"},
                              {"성남", "경기도", "13###"}};
constexpr SV kKrStreets[] = {"테헤란로", "세종대로", "강남대로", "해운대로"};
constexpr SV kKrLegal[] = {"Co., Ltd."};
constexpr SV kKrTlds[] = {"co.kr", "kr"};

constexpr SV kRuPhones[] = {"9## ### ## ##", "495 ### ## ##", "812 ### ## ##"};
constexpr City kRuCities[] = {{"Москва", "", "1#####"},
                              {"Санкт-Петербург", "", "19####"},
                              {"Новосибирск", "", "63####"},
                              {"Казань", "Татарстан", "420###"}};
constexpr SV kRuStreets[] = {"ул. Тверская", "Невский проспект", "ул. Ленина", "ул. Баумана"};
constexpr SV kRuLegal[] = {"LLC"};
constexpr SV kRuTlds[] = {"ru"};

constexpr SV kUaPhones[] = {"67 ### ## ##", "50 ### ## ##", "44 ### ## ##"};
constexpr City kUaCities[] = {
    {"Київ", "", "0####"}, {"Львів", "", "79###"}, {"Одеса", "", "65###"}, {"Харків", "", "61###"}};
constexpr SV kUaStreets[] = {"вул. Хрещатик", "вул. Сумська", "вул. Дерибасівська"};
constexpr SV kUaLegal[] = {"LLC"};
constexpr SV kUaTlds[] = {"com.ua", "ua"};

constexpr SV kGrPhones[] = {"69# ### ####", "21 #### ####"};
constexpr City kGrCities[] = {
    {"Αθήνα", "Αττική", "1## ##"}, {"Θεσσαλονίκη", "", "5## ##"}, {"Πάτρα", "", "26# ##"}};
constexpr SV kGrStreets[] = {"Ερμού", "Πανεπιστημίου", "Τσιμισκή", "Βασιλίσσης Σοφίας"};
constexpr SV kGrLegal[] = {"S.A."};
constexpr SV kGrTlds[] = {"gr"};

constexpr SV kInPhones[] = {"9#### #####", "8#### #####", "7#### #####", "22 #### ####"};
constexpr City kInCities[] = {
    {"Mumbai", "Maharashtra", "400###"}, {"Bengaluru", "Karnataka", "560###"},
    {"New Delhi", "Delhi", "110###"},    {"Hyderabad", "Telangana", "500###"},
    {"Chennai", "Tamil Nadu", "600###"}, {"Pune", "Maharashtra", "411###"},
};
constexpr SV kInStreets[] = {"MG Road",      "Linking Road", "Connaught Place",
                             "Brigade Road", "Anna Salai",   "Road No. 12, Banjara Hills"};
constexpr SV kInLegal[] = {"Pvt. Ltd.", "Ltd."};
constexpr SV kInTlds[] = {"in", "co.in", "com"};

constexpr SV kAePhones[] = {"50 ### ####", "55 ### ####", "4 ### ####"};
constexpr City kAeCities[] = {{"Dubai", "Dubai", ""}, {"Abu Dhabi", "Abu Dhabi", ""}};
constexpr SV kAeStreets[] = {"Sheikh Zayed Road", "Al Wasl Road", "Corniche Road"};
constexpr SV kAeLegal[] = {"LLC", "FZ-LLC"};
constexpr SV kAeTlds[] = {"ae", "com"};

constexpr SV kEgPhones[] = {"10 #### ####", "11 #### ####", "12 #### ####", "2 #### ####"};
constexpr City kEgCities[] = {{"Cairo", "Cairo Governorate", "11###"},
                              {"Alexandria", "Alexandria Governorate", "21###"},
                              {"Giza", "Giza Governorate", "12###"}};
constexpr SV kEgStreets[] = {"Tahrir Street", "El Nasr Road", "Corniche El Nil"};
constexpr SV kEgLegal[] = {"S.A.E."};
constexpr SV kEgTlds[] = {"com.eg", "eg"};

constexpr Country kCountries[kCountryCount] = {
    {"US", "United States", "1", "", true, kUsPhones, kUsCities, "{n} {s}", kUsStreets, kUsLegal,
     kUsTlds},
    {"CA", "Canada", "1", "", true, kCaPhones, kCaCities, "{n} {s}", kUsStreets, kCaLegal, kCaTlds},
    {"GB", "United Kingdom", "44", "0", true, kGbPhones, kGbCities, "{n} {s}", kGbStreets, kGbLegal,
     kGbTlds},
    {"AU", "Australia", "61", "0", false, kAuPhones, kAuCities, "{n} {s}", kGbStreets, kAuLegal,
     kAuTlds},
    {"DE", "Germany", "49", "0", true, kDePhones, kDeCities, "{s} {n}", kDeStreets, kDeLegal,
     kDeTlds},
    {"AT", "Austria", "43", "0", false, kAtPhones, kAtCities, "{s} {n}", kAtStreets, kAtLegal,
     kAtTlds},
    {"CH", "Switzerland", "41", "0", false, kChPhones, kChCities, "{s} {n}", kChStreets, kChLegal,
     kChTlds},
    {"FR", "France", "33", "0", false, kFrPhones, kFrCities, "{n} {s}", kFrStreets, kFrLegal,
     kFrTlds},
    {"ES", "Spain", "34", "", false, kEsPhones, kEsCities, "{s} {n}", kEsStreets, kEsLegal,
     kEsTlds},
    {"MX", "Mexico", "52", "", false, kMxPhones, kMxCities, "{s} {n}", kMxStreets, kMxLegal,
     kMxTlds},
    {"PL", "Poland", "48", "", false, kPlPhones, kPlCities, "{s} {n}", kPlStreets, kPlLegal,
     kPlTlds},
    {"SE", "Sweden", "46", "0", false, kSePhones, kSeCities, "{s} {n}", kSeStreets, kSeLegal,
     kSeTlds},
    {"DK", "Denmark", "45", "", false, kDkPhones, kDkCities, "{s} {n}", kDkStreets, kDkLegal,
     kDkTlds},
    {"NO", "Norway", "47", "", false, kNoPhones, kNoCities, "{s} {n}", kNoStreets, kNoLegal,
     kNoTlds},
    {"FI", "Finland", "358", "0", false, kFiPhones, kFiCities, "{s} {n}", kFiStreets, kFiLegal,
     kFiTlds},
    {"CN", "China", "86", "0", false, kCnPhones, kCnCities, "{s}{n}号", kCnStreets, kCnLegal,
     kCnTlds},
    {"SG", "Singapore", "65", "", false, kSgPhones, kSgCities, "{n} {s}", kSgStreets, kSgLegal,
     kSgTlds},
    {"JP", "Japan", "81", "0", false, kJpPhones, kJpCities, "{s}{n}", kJpStreets, kJpLegal,
     kJpTlds},
    {"KR", "South Korea", "82", "0", false, kKrPhones, kKrCities, "{s} {n}", kKrStreets, kKrLegal,
     kKrTlds},
    {"RU", "Russia", "7", "8", false, kRuPhones, kRuCities, "{s}, д. {n}", kRuStreets, kRuLegal,
     kRuTlds},
    {"UA", "Ukraine", "380", "0", false, kUaPhones, kUaCities, "{s}, {n}", kUaStreets, kUaLegal,
     kUaTlds},
    {"GR", "Greece", "30", "", false, kGrPhones, kGrCities, "{s} {n}", kGrStreets, kGrLegal,
     kGrTlds},
    {"IN", "India", "91", "0", false, kInPhones, kInCities, "{n}, {s}", kInStreets, kInLegal,
     kInTlds},
    {"AE", "United Arab Emirates", "971", "0", false, kAePhones, kAeCities, "Office {n}, {s}",
     kAeStreets, kAeLegal, kAeTlds},
    {"EG", "Egypt", "20", "0", false, kEgPhones, kEgCities, "{n} {s}", kEgStreets, kEgLegal,
     kEgTlds},
};

// ---- Cultures ----------------------------------------------------------------------------

constexpr uint32_t kEnCountries[] = {kUS, kGB, kCA, kAU};
constexpr uint32_t kEnCountryWeights[] = {70, 20, 5, 5};
constexpr uint32_t kDeCountries[] = {kDE, kAT, kCH};
constexpr uint32_t kDeCountryWeights[] = {80, 12, 8};
constexpr uint32_t kFrCountries[] = {kFR, kCH, kCA};
constexpr uint32_t kFrCountryWeights[] = {90, 5, 5};
constexpr uint32_t kEsCountries[] = {kES, kMX, kUS};
constexpr uint32_t kEsCountryWeights[] = {45, 40, 15};
constexpr uint32_t kPlCountries[] = {kPL, kGB, kDE};
constexpr uint32_t kPlCountryWeights[] = {90, 5, 5};
constexpr uint32_t kNordicCountries[] = {kSE, kDK, kNO, kFI};
constexpr uint32_t kNordicCountryWeights[] = {35, 25, 20, 20};
constexpr uint32_t kZhCountries[] = {kCN, kSG, kUS};
constexpr uint32_t kZhCountryWeights[] = {70, 15, 15};
constexpr uint32_t kJaCountries[] = {kJP, kUS};
constexpr uint32_t kJaCountryWeights[] = {95, 5};
constexpr uint32_t kKoCountries[] = {kKR, kUS};
constexpr uint32_t kKoCountryWeights[] = {90, 10};
constexpr uint32_t kCyrCountries[] = {kRU, kUA};
constexpr uint32_t kCyrCountryWeights[] = {60, 40};
constexpr uint32_t kElCountries[] = {kGR};
constexpr uint32_t kElCountryWeights[] = {100};
constexpr uint32_t kInCountries[] = {kIN, kUS, kGB};
constexpr uint32_t kInCountryWeights[] = {80, 12, 8};
constexpr uint32_t kArCountries[] = {kAE, kEG};
constexpr uint32_t kArCountryWeights[] = {50, 50};

constexpr SV kDeDomains[] = {"gmx.de", "web.de", "t-online.de"};
constexpr SV kFrDomains[] = {"orange.fr", "free.fr", "laposte.net"};
constexpr SV kEsDomains[] = {"hotmail.es", "yahoo.es"};
constexpr SV kZhDomains[] = {"qq.com", "163.com"};
constexpr SV kJaDomains[] = {"yahoo.co.jp", "docomo.ne.jp"};
constexpr SV kKoDomains[] = {"naver.com", "daum.net"};
constexpr SV kCyrDomains[] = {"yandex.ru", "mail.ru", "ukr.net"};
constexpr SV kInDomains[] = {"rediffmail.com"};

constexpr Culture kCultures[] = {
    {"en", 420, 0, kEnFirst, kEnLast, kEnCountries, kEnCountryWeights, {}},
    {"de", 80, 0, kDeFirst, kDeLast, kDeCountries, kDeCountryWeights, kDeDomains},
    {"fr", 50, 0, kFrFirst, kFrLast, kFrCountries, kFrCountryWeights, kFrDomains},
    {"es", 80, 0, kEsFirst, kEsLast, kEsCountries, kEsCountryWeights, kEsDomains},
    {"pl", 25, 0, kPlFirst, kPlLast, kPlCountries, kPlCountryWeights, {}},
    {"nordic", 35, 0, kNordicFirst, kNordicLast, kNordicCountries, kNordicCountryWeights, {}},
    {"zh", 60, 350, kZhFirst, kZhLast, kZhCountries, kZhCountryWeights, kZhDomains},
    {"ja", 30, 300, kJaFirst, kJaLast, kJaCountries, kJaCountryWeights, kJaDomains},
    {"ko", 20, 350, kKoFirst, kKoLast, kKoCountries, kKoCountryWeights, kKoDomains},
    {"cyrillic", 30, 300, kCyrFirst, kCyrLast, kCyrCountries, kCyrCountryWeights, kCyrDomains},
    {"el", 10, 300, kElFirst, kElLast, kElCountries, kElCountryWeights, {}},
    {"in", 60, 850, kInFirst, kInLast, kInCountries, kInCountryWeights, kInDomains},
    {"ar", 20, 650, kArFirst, kArLast, kArCountries, kArCountryWeights, {}},
};

// ---- Companies ---------------------------------------------------------------------------

constexpr Word kCompanyStems[] = {
    {"Acme", ""},
    {"Apex", ""},
    {"Atlas", ""},
    {"Aurora", ""},
    {"Beacon", ""},
    {"Birch", ""},
    {"Bluebird", ""},
    {"Boulder", ""},
    {"Brightline", ""},
    {"Cascade", ""},
    {"Cedar", ""},
    {"Cobalt", ""},
    {"Comet", ""},
    {"Copper", ""},
    {"Crescent", ""},
    {"Crimson", ""},
    {"Delta", ""},
    {"Ember", ""},
    {"Evergreen", ""},
    {"Falcon", ""},
    {"Fathom", ""},
    {"Fjord", ""},
    {"Flint", ""},
    {"Foxglove", ""},
    {"Frontier", ""},
    {"Galileo", ""},
    {"Garnet", ""},
    {"Glacier", ""},
    {"Granite", ""},
    {"Harbor", ""},
    {"Hawthorne", ""},
    {"Helix", ""},
    {"Horizon", ""},
    {"Indigo", ""},
    {"Ironwood", ""},
    {"Juniper", ""},
    {"Keystone", ""},
    {"Kestrel", ""},
    {"Lantern", ""},
    {"Larkspur", ""},
    {"Lighthouse", ""},
    {"Linden", ""},
    {"Lumen", ""},
    {"Lynx", ""},
    {"Magnolia", ""},
    {"Maple", ""},
    {"Meridian", ""},
    {"Mesa", ""},
    {"Monarch", ""},
    {"Nimbus", ""},
    {"Northwind", ""},
    {"Nova", ""},
    {"Oakridge", ""},
    {"Onyx", ""},
    {"Orbit", ""},
    {"Orchid", ""},
    {"Osprey", ""},
    {"Pacific", ""},
    {"Paragon", ""},
    {"Peak", ""},
    {"Pinnacle", ""},
    {"Polaris", ""},
    {"Prairie", ""},
    {"Prism", ""},
    {"Quarry", ""},
    {"Quill", ""},
    {"Radiant", ""},
    {"Redwood", ""},
    {"Ridgeline", ""},
    {"Riverbend", ""},
    {"Sable", ""},
    {"Saffron", ""},
    {"Sage", ""},
    {"Sequoia", ""},
    {"Sierra", ""},
    {"Silverline", ""},
    {"Solstice", ""},
    {"Sparrow", ""},
    {"Spruce", ""},
    {"Summit", ""},
    {"Sundial", ""},
    {"Tandem", ""},
    {"Tidewater", ""},
    {"Timber", ""},
    {"Topaz", ""},
    {"Trident", ""},
    {"Tundra", ""},
    {"Umber", ""},
    {"Union", ""},
    {"Vanguard", ""},
    {"Vector", ""},
    {"Velvet", ""},
    {"Verdant", ""},
    {"Vertex", ""},
    {"Willow", ""},
    {"Wren", ""},
    {"Zenith", ""},
    {"Zephyr", ""},
    {"Nordlicht", ""},
    {"Sakura", ""},
    {"Hanami", ""},
    {"Grünwald", "gruenwald"},
    {"Lumière", "lumiere"},
    {"Höfner", "hoefner"},
    {"Élan", "elan"},
    {"Søndergaard", "sondergaard"},
    {"Åkerlund", "akerlund"},
    {"Corazón", "corazon"},
    {"Żuraw", "zuraw"},
    {"Kōyō", "koyo"},
};

constexpr SV kIndustries[] = {"Software",    "Manufacturing", "Retail",      "Healthcare",
                              "Finance",     "Education",     "Logistics",   "Media",
                              "Real Estate", "Energy",        "Hospitality", "Telecommunications",
                              "Nonprofit",   "Construction",  "Agriculture", "Consulting"};

constexpr CompanyNoun kCompanyNouns[] = {
    {{"Labs", ""}, 0},          {{"Software", ""}, 0},     {{"Systems", ""}, 0},
    {{"Technologies", ""}, 0},  {{"Cloud", ""}, 0},        {{"Analytics", ""}, 0},
    {{"Digital", ""}, 0},       {{"Data", ""}, 0},         {{"Industries", ""}, 1},
    {{"Manufacturing", ""}, 1}, {{"Works", ""}, 1},        {{"Fabrication", ""}, 1},
    {{"Machinery", ""}, 1},     {{"Components", ""}, 1},   {{"Outfitters", ""}, 2},
    {{"Market", ""}, 2},        {{"Goods", ""}, 2},        {{"Stores", ""}, 2},
    {{"Supply", ""}, 2},        {{"Home", ""}, 2},         {{"Health", ""}, 3},
    {{"Medical", ""}, 3},       {{"Clinic", ""}, 3},       {{"Pharma", ""}, 3},
    {{"Biotech", ""}, 3},       {{"Care", ""}, 3},         {{"Capital", ""}, 4},
    {{"Financial", ""}, 4},     {{"Bank", ""}, 4},         {{"Investments", ""}, 4},
    {{"Insurance", ""}, 4},     {{"Payments", ""}, 4},     {{"Academy", ""}, 5},
    {{"Learning", ""}, 5},      {{"Institute", ""}, 5},    {{"School", ""}, 5},
    {{"Logistics", ""}, 6},     {{"Freight", ""}, 6},      {{"Shipping", ""}, 6},
    {{"Transport", ""}, 6},     {{"Couriers", ""}, 6},     {{"Media", ""}, 7},
    {{"Studios", ""}, 7},       {{"Publishing", ""}, 7},   {{"Records", ""}, 7},
    {{"Realty", ""}, 8},        {{"Properties", ""}, 8},   {{"Estates", ""}, 8},
    {{"Energy", ""}, 9},        {{"Power", ""}, 9},        {{"Solar", ""}, 9},
    {{"Renewables", ""}, 9},    {{"Hotels", ""}, 10},      {{"Hospitality", ""}, 10},
    {{"Resorts", ""}, 10},      {{"Coffee", ""}, 10},      {{"Telecom", ""}, 11},
    {{"Networks", ""}, 11},     {{"Wireless", ""}, 11},    {{"Foundation", ""}, 12},
    {{"Trust", ""}, 12},        {{"Alliance", ""}, 12},    {{"Construction", ""}, 13},
    {{"Builders", ""}, 13},     {{"Engineering", ""}, 13}, {{"Contractors", ""}, 13},
    {{"Farms", ""}, 14},        {{"Agro", ""}, 14},        {{"Growers", ""}, 14},
    {{"Consulting", ""}, 15},   {{"Advisors", ""}, 15},    {{"Strategy", ""}, 15},
    {{"Associates", ""}, 15},
};

constexpr SV kCompanyQualifiers[] = {"Group",     "International", "Global",    "Holdings",
                                     "Solutions", "Collective",    "Worldwide", "Partners",
                                     "Ventures",  "Enterprises"};

// ---- People at work ----------------------------------------------------------------------

constexpr SV kEngineeringTitles[] = {"Software Engineer", "Senior Software Engineer",
                                     "Staff Engineer",    "Engineering Manager",
                                     "VP of Engineering", "CTO",
                                     "DevOps Engineer",   "QA Engineer"};
constexpr SV kSalesTitles[] = {
    "Account Executive", "Sales Development Representative", "Sales Manager",        "VP of Sales",
    "Head of Sales",     "Regional Sales Director",          "Chief Revenue Officer"};
constexpr SV kMarketingTitles[] = {"Marketing Manager",
                                   "Content Marketing Specialist",
                                   "Demand Generation Manager",
                                   "CMO",
                                   "Growth Marketer",
                                   "Product Marketing Manager",
                                   "Brand Manager"};
constexpr SV kFinanceTitles[] = {"CFO",        "Controller",      "Financial Analyst",
                                 "Accountant", "Head of Finance", "Procurement Manager"};
constexpr SV kPeopleTitles[] = {"HR Manager", "Recruiter", "Head of People",
                                "Talent Acquisition Partner", "HR Business Partner"};
constexpr SV kOperationsTitles[] = {"COO", "Operations Manager", "Office Manager",
                                    "Supply Chain Manager", "Logistics Coordinator"};
constexpr SV kSuccessTitles[] = {"Customer Success Manager", "Support Engineer",
                                 "Head of Customer Success", "Account Manager"};
constexpr SV kProductTitles[] = {"Product Manager", "Senior Product Manager", "Head of Product",
                                 "UX Designer", "Product Designer"};
constexpr SV kItTitles[] = {"IT Manager", "Systems Administrator", "CIO", "IT Director",
                            "Security Engineer"};
constexpr SV kLegalTitles[] = {"General Counsel", "Legal Counsel", "Paralegal",
                               "Compliance Officer"};
constexpr SV kExecutiveTitles[] = {
    "CEO",       "Founder",         "Co-Founder",       "Managing Director",
    "President", "Geschäftsführer", "Directeur Général"};

constexpr Department kDepartments[] = {
    {"Engineering", kEngineeringTitles},
    {"Sales", kSalesTitles},
    {"Marketing", kMarketingTitles},
    {"Finance", kFinanceTitles},
    {"People", kPeopleTitles},
    {"Operations", kOperationsTitles},
    {"Customer Success", kSuccessTitles},
    {"Product", kProductTitles},
    {"IT", kItTitles},
    {"Legal", kLegalTitles},
    {"Executive", kExecutiveTitles},
};

// ---- Segmentation ------------------------------------------------------------------------

constexpr SV kTags[] = {
    "inbound",          "newsletter",
    "webinar",          "event-attendee",
    "referral",         "trial",
    "demo-requested",   "smb",
    "enterprise",       "mid-market",
    "decision-maker",   "outbound",
    "content-download", "pricing-page",
    "free-plan",        "champion",
    "partner",          "vip",
    "churn-risk",       "renewal",
    "upsell",           "nps-promoter",
    "nps-detractor",    "beta-tester",
    "influencer",       "cold-outreach",
    "conference-2025",  "trade-show",
    "do-not-call",      "competitor-user",
};
constexpr uint32_t kTagWeights[] = {100, 90, 70, 60, 55, 50, 45, 45, 40, 35, 35, 35, 30, 30, 28,
                                    20,  20, 12, 15, 18, 15, 15, 6,  10, 8,  25, 20, 18, 5,  12};
static_assert(std::size(kTags) == std::size(kTagWeights));

constexpr SV kLeadSources[] = {"Website",       "Organic Search", "Referral",       "Event",
                               "Paid Search",   "Social Media",   "Email Campaign", "Partner",
                               "Cold Outreach", "Webinar"};
constexpr uint32_t kLeadSourceWeights[] = {25, 12, 12, 10, 10, 8, 8, 5, 5, 5};
static_assert(std::size(kLeadSources) == std::size(kLeadSourceWeights));

constexpr SV kGlobalPersonalDomains[] = {"gmail.com",  "gmail.com",   "gmail.com",
                                         "yahoo.com",  "outlook.com", "hotmail.com",
                                         "icloud.com", "proton.me",   "aol.com"};

constexpr SV kGarbagePhones[] = {
    "n/a",
    "N/A",
    "none",
    "TBD",
    "call me",
    "see email",
    "12",
    "0000",
    "+",
    "---",
    "555-CALL-NOW",
    "ext. 204",
    "after 5pm, ask for \"Sam\"",
    "+1 (555) ",
    "x",
    "123456789012345678901",
    "phone",
    "?",
};

constexpr CustomFieldDef kCustomFields[] = {
    {"industry", "Industry", "select", kIndustries},
    {"annual_revenue", "Annual revenue", "number", {}},
    {"renewal_date", "Renewal date", "date", {}},
};

}  // namespace

std::span<const Culture> Cultures() { return kCultures; }
std::span<const Country> Countries() { return kCountries; }
std::span<const Word> CompanyStems() { return kCompanyStems; }
std::span<const CompanyNoun> CompanyNouns() { return kCompanyNouns; }
std::span<const std::string_view> CompanyQualifiers() { return kCompanyQualifiers; }
std::span<const std::string_view> Industries() { return kIndustries; }
std::span<const Department> Departments() { return kDepartments; }
std::span<const std::string_view> Tags() { return kTags; }
std::span<const uint32_t> TagWeights() { return kTagWeights; }
std::span<const std::string_view> LeadSources() { return kLeadSources; }
std::span<const uint32_t> LeadSourceWeights() { return kLeadSourceWeights; }
std::span<const std::string_view> GlobalPersonalDomains() { return kGlobalPersonalDomains; }
std::span<const std::string_view> GarbagePhones() { return kGarbagePhones; }
std::span<const CustomFieldDef> CustomFields() { return kCustomFields; }

}  // namespace rally::datagen
