#pragma once

#include <QString>

namespace hall::core {

// How many of the four kinds of character a password mixes — lower-case letters, upper-case
// letters, digits, anything else (Chinese characters count as "else") — as the password policy
// counts them: the server refuses with it, the sign-in screen warns with it.
inline int passwordCharacterClasses(const QString &password)
{
    bool lower = false, upper = false, digit = false, other = false;
    for (const QChar c : password) {
        if (c.isLower())
            lower = true;
        else if (c.isUpper())
            upper = true;
        else if (c.isDigit())
            digit = true;
        else
            other = true;
    }
    return int(lower) + int(upper) + int(digit) + int(other);
}

} // namespace hall::core
