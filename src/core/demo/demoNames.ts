/**
 * Given and family names for demo people: common names from the many backgrounds a US
 * regional hospital's workforce draws on. Written here (no external data); every character is
 * in Windows-1252, so the PDF standard fonts can draw each one.
 */
export const GIVEN_NAMES: readonly string[] = [
  // English-speaking
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Christopher', 'Karen',
  'Daniel', 'Lisa', 'Matthew', 'Nancy', 'Anthony', 'Sandra', 'Mark', 'Ashley', 'Steven', 'Emily',
  'Andrew', 'Michelle', 'Joshua', 'Amanda', 'Kevin', 'Melissa', 'Brian', 'Stephanie', 'Ryan', 'Rebecca',
  'Jacob', 'Laura', 'Nicholas', 'Hannah', 'Tyler', 'Megan', 'Samuel', 'Olivia', 'Benjamin', 'Emma',
  'Nathan', 'Grace', 'Aaron', 'Chloe', 'Ethan', 'Abigail', 'Dylan', 'Heather', 'Gregory', 'Kimberly',
  // Spanish-speaking
  'José', 'María', 'Luis', 'Carmen', 'Carlos', 'Ana', 'Juan', 'Sofía', 'Miguel', 'Lucía',
  'Alejandro', 'Isabel', 'Diego', 'Gabriela', 'Javier', 'Valentina', 'Rafael', 'Camila', 'Andrés', 'Marisol',
  // African American
  'DeShawn', 'Aaliyah', 'Jamal', 'Imani', 'Malik', 'Keisha', 'Darnell', 'Ebony', 'Terrence', 'Latoya',
  // South Asian
  'Priya', 'Arjun', 'Anjali', 'Rohan', 'Neha', 'Vikram', 'Sanjay', 'Deepa', 'Rahul', 'Kavya', 'Aditya', 'Meera',
  // East and Southeast Asian
  'Wei', 'Mei', 'Jun', 'Hana', 'Hiroshi', 'Yuki', 'Min-jun', 'Ji-woo', 'Seo-yeon', 'Kenji', 'Xin', 'Minh',
  'Linh', 'Thanh', 'Maricel', 'Jocelyn', 'Rodel', 'Arnel', 'Cristina', 'Marites',
  // Middle Eastern and North African
  'Omar', 'Fatima', 'Ahmed', 'Layla', 'Yusuf', 'Noor', 'Hassan', 'Mariam', 'Karim', 'Leila',
  // West and East African
  'Chinedu', 'Ngozi', 'Kwame', 'Ama', 'Oluwaseun', 'Chiamaka', 'Tendai', 'Amara', 'Kofi', 'Zainab',
  // European
  'Sven', 'Ingrid', 'Lars', 'Astrid', 'Pierre', 'Amélie', 'François', 'Élodie', 'Giovanni', 'Francesca',
  'Marco', 'Chiara', 'Stefan', 'Katarzyna', 'Piotr', 'Aleksandra', 'Dmitri', 'Natalia', 'Zoë', 'Siobhán',
  'Seán', 'Niamh', 'Björn', 'Ludmila',
];

export const FAMILY_NAMES: readonly string[] = [
  // English-speaking
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor',
  'Thomas', 'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green', 'Adams', 'Baker',
  'Nelson', 'Carter', 'Mitchell', 'Roberts', 'Campbell', 'Evans', 'Turner', 'Collins', 'Stewart', 'Morris',
  'Murphy', 'Cook', 'Rogers', 'Morgan', 'Cooper', 'Peterson', 'Reed', 'Bailey', 'Bell', 'Kelly',
  'Howard', 'Ward', 'Brooks', 'Bennett', 'Hughes', 'Price', 'Foster', 'Coleman', 'Jenkins', "O'Brien",
  'McCarthy', 'Sullivan', 'Gallagher', 'Byrne', 'Doherty',
  // Spanish-speaking
  'García', 'Rodríguez', 'Martínez', 'Hernández', 'López', 'González', 'Pérez', 'Sánchez', 'Ramírez', 'Torres',
  'Flores', 'Rivera', 'Gómez', 'Díaz', 'Reyes', 'Cruz', 'Morales', 'Ortiz', 'Gutiérrez', 'Chávez',
  'Ramos', 'Castillo', 'Vargas', 'Mendoza', 'Núñez',
  // Asian
  'Nguyen', 'Tran', 'Le', 'Pham', 'Kim', 'Lee', 'Park', 'Choi', 'Chen', 'Wang',
  'Zhang', 'Liu', 'Huang', 'Wu', 'Yamamoto', 'Tanaka', 'Sato', 'Nakamura', 'Patel', 'Shah',
  'Singh', 'Kumar', 'Gupta', 'Sharma', 'Reddy', 'Iyer', 'Desai', 'Santos', 'Dela Cruz', 'Bautista',
  'Villanueva', 'Aquino',
  // Middle Eastern and African
  'Haddad', 'Khalil', 'Rahman', 'Hussain', 'Abdullah', 'Nasser', 'Okafor', 'Adeyemi', 'Mensah', 'Boateng',
  'Osei', 'Nwosu', 'Mwangi', 'Diallo', 'Kamara', 'Abebe',
  // European
  'Müller', 'Schmidt', 'Fischer', 'Weber', 'Novak', 'Kowalski', 'Nowak', 'Ivanov', 'Petrov', 'Rossi',
  'Russo', 'Bianchi', 'Dubois', 'Lefèvre', 'Moreau', 'Johansson', 'Lindqvist', 'Andersen', 'Nielsen', 'Jansen',
  'de Vries', 'Kovács', 'Papadopoulos', 'Horvat',
];
